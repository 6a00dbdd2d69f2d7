/**
 * vitest globalSetup for the browser tests (after the testkit's, which brings the stack up): Debian's Chromium,
 * installed with apt when missing — there is no browser download here, playwright-core drives the system one. Hands
 * its path to the test files through vitest's provide/inject. (The storefront build is the platform's business:
 * startPlatform rebuilds storefront/dist when any of its sources is newer.)
 */
import { join } from 'node:path';
import { stackPaths } from '@streamshop/stack';
import { testConfig } from '@streamshop/testkit';
import type { TestProject } from 'vitest/node';
// The stack's apt helper (not part of @streamshop/stack's public surface yet).
import { ensureDebianPackage } from '../../infra/local/src/prerequisites.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const say = (line: string) => process.stdout.write(`[e2e] ${line}\n`);
  const logs = stackPaths(testConfig().stack.dir).logs;
  const chromium = await ensureDebianPackage(say, 'chromium', 'chromium', join(logs, 'chromium-install.log'));
  say(`chromium: ${chromium}`);
  project.provide('chromiumPath', chromium);
}
