/**
 * Wait for a condition, never for time: `eventually(fn)` retries `fn` until it stops throwing (and, if it returns a
 * boolean, until it returns true) or the deadline passes, then rethrows the last failure so the test says *what* never
 * became true.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<Exclude<T, false>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== false) return value as Exclude<T, false>;
      last = new Error('condition returned false');
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? last.message : String(last);
      const err = new Error(`${opts.message ?? 'condition'} not met within ${timeoutMs}ms: ${why}`);
      if (last instanceof Error) err.cause = last;
      throw err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
