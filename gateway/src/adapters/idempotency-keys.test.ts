import { describe, expect, it } from 'vitest';
import { requestFingerprint } from './idempotency-keys.ts';

const base = { method: 'POST', route: '/api/admin/stock/:sku/receive', params: { sku: 'SKU-1' } };

describe('requestFingerprint', () => {
  it('is the same for the same request whatever the order of its keys', () => {
    const a = requestFingerprint({ ...base, body: { quantity: 5, reference: 'DN-1', extra: { b: 1, a: [2, 3] } } });
    const b = requestFingerprint({ ...base, body: { extra: { a: [2, 3], b: 1 }, reference: 'DN-1', quantity: 5 } });
    expect(a).toBe(b);
  });

  it('changes with the body, the path parameters and the route', () => {
    const original = requestFingerprint({ ...base, body: { quantity: 5 } });
    expect(requestFingerprint({ ...base, body: { quantity: 6 } })).not.toBe(original);
    expect(requestFingerprint({ ...base, params: { sku: 'SKU-2' }, body: { quantity: 5 } })).not.toBe(original);
    expect(requestFingerprint({ ...base, route: '/api/admin/stock/:sku/adjust', body: { quantity: 5 } })).not.toBe(
      original,
    );
  });
});
