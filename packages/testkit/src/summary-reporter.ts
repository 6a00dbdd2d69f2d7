/**
 * Prints one closing line, `vitest: N passed, N failed` (`, N skipped` when any were skipped), after the
 * default reporter: a plain summary that CI logs and other tools can read without parsing vitest's
 * decorated output.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let moduleFailedTests = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') moduleFailedTests++;
        else skipped++;
      }
      // A file whose setup failed has only skipped tests but is itself a failure: count it as one.
      failed += moduleFailedTests > 0 ? moduleFailedTests : mod.state() === 'failed' ? 1 : 0;
    }
    failed += unhandledErrors.length;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed${tail}\n`);
  }
}
