import { describe, expect, it } from 'vitest';
import { resolveAttempt } from './attempt.ts';

let n = 0;
const newKey = () => `key-000000-${++n}`;

describe('checkout attempt', () => {
  it('keeps the same Idempotency-Key for retries of the same cart', () => {
    const first = resolveAttempt(null, 'A x1', newKey);
    expect(first.fresh).toBe(true);
    const again = resolveAttempt(JSON.stringify(first.attempt), 'A x1', newKey);
    expect(again).toEqual({ attempt: first.attempt, fresh: false });
  });

  it('starts a new attempt with a new key when the cart changed', () => {
    const first = resolveAttempt(null, 'A x1', newKey).attempt;
    const next = resolveAttempt(JSON.stringify(first), 'A x2', newKey);
    expect(next.fresh).toBe(true);
    expect(next.attempt.key).not.toBe(first.key);
  });

  it('ignores unreadable or invalid stored attempts', () => {
    expect(resolveAttempt('{oops', 'A', newKey).fresh).toBe(true);
    expect(resolveAttempt(JSON.stringify({ key: 'short', cartSignature: 'A' }), 'A', newKey).fresh).toBe(true);
  });
});

describe('newIdempotencyKey', () => {
  it('makes keys the gateway accepts (8..128 characters), different each time', async () => {
    const { newIdempotencyKey } = await import('./attempt.ts');
    const a = newIdempotencyKey();
    expect(a.length).toBeGreaterThanOrEqual(8);
    expect(a.length).toBeLessThanOrEqual(128);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});
