/**
 * vitest globalSetup for the integration project: brings the real stack up once per test run and takes it down at
 * the end only if this run started it (a developer's already-running stack is left alone, and STREAMSHOP_KEEP_STACK=1
 * keeps a stack we started, for fast reruns). With STREAMSHOP_STACK=docker and a reachable Docker engine (GitHub
 * Actions), the same servers come from infra/docker-compose.yml through testcontainers instead. Either way it makes sure
 * poppler-utils is installed (Debian's package, as the stack installs redis-server): the invoice tests read PDFs with
 * its `pdftotext` and render them with `pdftoppm` (./pdf.ts).
 */
import { join } from 'node:path';
import { down, ensureDebianPackage, stackPaths, up } from '@streamshop/stack';
import { startDockerStack } from './docker-stack.ts';
import { testConfig } from './test-config.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const config = testConfig();
  const say = (line: string) => process.stdout.write(`[stack] ${line}\n`);
  const popplerLog = join(stackPaths(config.stack.dir).logs, 'poppler-install.log');
  for (const tool of ['pdftotext', 'pdftoppm']) await ensureDebianPackage(say, tool, 'poppler-utils', popplerLog);
  if (config.stack.mode === 'docker') return startDockerStack();
  const result = await up(config, { say });
  if (result.started.length > 0) say(`started for this run: ${result.started.join(', ')}`);
  return async () => {
    if (result.started.length === 0 || config.stack.keep) return;
    await down(config, { say, only: result.started });
  };
}
