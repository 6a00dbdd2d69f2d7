// Makes a fresh clone runnable: installs npm packages when node_modules is missing or older than
// package-lock.json. Plain Node with no dependencies, because it runs before anything is installed.
// README's two commands start here, so a newcomer never has to know about `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 11)) {
  console.error(`streamshop needs Node.js 20.11 or newer; this is ${process.version}. Install Node 20 LTS and retry.`);
  process.exit(1);
}

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('› installing npm packages (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('npm ci failed: see the output above. Check that the npm registry is reachable, then retry.');
    process.exit(r.status ?? 1);
  }
}
