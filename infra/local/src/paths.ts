/** Where the local stack lives: the repository root and `.stack/` (downloads, data, pids, logs). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: the nearest ancestor of this file whose package.json declares workspaces. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in JSON.parse(readFileSync(pkg, 'utf8'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('streamshop: cannot find the repository root (a package.json with workspaces)');
    dir = up;
  }
}

export interface StackPaths {
  root: string;
  stack: string;
  bin: string;
  run: string;
  logs: string;
  data: string;
  downloads: string;
}

export function stackPaths(stackDir: string | undefined): StackPaths {
  const root = repoRoot();
  const stack = resolve(root, stackDir ?? '.stack');
  return {
    root,
    stack,
    bin: join(stack, 'bin'),
    run: join(stack, 'run'),
    logs: join(stack, 'logs'),
    data: join(stack, 'data'),
    downloads: join(stack, 'downloads'),
  };
}
