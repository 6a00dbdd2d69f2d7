/**
 * vitest globalSetup for the integration project: brings the real stack up once per test run and takes it down at
 * the end only if this run started it (a developer's already-running stack is left alone, and STREAMSHOP_KEEP_STACK=1
 * keeps a stack we started, for fast reruns). With STREAMSHOP_STACK=docker and a reachable Docker engine (GitHub
 * Actions), the same servers come from infra/docker-compose.yml through testcontainers instead.
 */
import { down, up } from '@streamshop/stack';
import { startDockerStack } from './docker-stack.ts';
import { testConfig } from './test-config.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const config = testConfig();
  if (config.stack.mode === 'docker') return startDockerStack();
  const say = (line: string) => process.stdout.write(`[stack] ${line}\n`);
  const result = await up(config, { say });
  if (result.started.length > 0) say(`started for this run: ${result.started.join(', ')}`);
  return async () => {
    if (result.started.length === 0 || config.stack.keep) return;
    await down(config, { say, only: result.started });
  };
}
