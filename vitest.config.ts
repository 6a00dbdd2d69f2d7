/**
 * One vitest run for the whole monorepo: unit tests (pure, beside the code) and integration tests
 * (`test/*.int.test.ts`, against the real local stack, started once for the run by the testkit's global setup).
 * A workspace's own `npm test` runs the same projects filtered to its folder.
 */
import { defineConfig } from 'vitest/config';

// kafkajs' default (Java-compatible) partitioner is the one we want; silence its migration notice in every worker.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const exclude = ['**/node_modules/**', '**/.stack/**', '**/dist/**', 'storefront/e2e/**'];

export default defineConfig({
  test: {
    reporters: ['default', './packages/testkit/src/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests first (fast feedback), then the integration tests with their own worker limit.
          sequence: { groupOrder: 0 },
          include: ['**/src/**/*.test.ts', '**/src/**/*.test.tsx', 'scripts/**/*.test.ts'],
          exclude,
        },
      },
      {
        test: {
          name: 'int',
          sequence: { groupOrder: 1 },
          include: ['**/test/**/*.int.test.ts'],
          exclude,
          globalSetup: ['./packages/testkit/src/global-setup.ts'],
          // Integration tests wait on real servers (rebalances, transactions); these are ceilings, not expectations.
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Two cores: more than two files at once only makes every rebalance slower.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          // Browser tests last: they need the whole platform (stack, services, projections, gateway + storefront).
          sequence: { groupOrder: 2 },
          include: ['storefront/e2e/**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**', '**/.stack/**', '**/dist/**'],
          // The stack (testkit), then Debian's Chromium and a current storefront build (storefront/e2e).
          globalSetup: ['./packages/testkit/src/global-setup.ts', './storefront/e2e/global-setup.ts'],
          // A journey is a saga round trip per order plus a browser; ceilings, not expectations.
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // One browser journey at a time on two cores.
          maxWorkers: 1,
        },
      },
    ],
  },
});
