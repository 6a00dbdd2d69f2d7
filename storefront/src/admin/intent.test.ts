import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { canonicalJson, intentKeys, intentSignature, settlesIntent } from './intent.ts';

const counter = () => {
  let n = 0;
  return () => `key-${++n}`;
};

describe('admin intents', () => {
  it('a retry of the same intent reuses its key, even with the body keys in another order', () => {
    const keys = intentKeys(counter());
    const a = intentSignature('POST', '/api/admin/stock/X/receive', { quantity: 5, reference: 'DN-1' });
    const b = intentSignature('POST', '/api/admin/stock/X/receive', { reference: 'DN-1', quantity: 5 });
    expect(keys.keyFor(a)).toBe('key-1');
    expect(keys.keyFor(b)).toBe('key-1');
  });

  it('another body or another target is a new intent', () => {
    const keys = intentKeys(counter());
    expect(keys.keyFor(intentSignature('POST', '/a', { quantity: 5 }))).toBe('key-1');
    expect(keys.keyFor(intentSignature('POST', '/a', { quantity: 6 }))).toBe('key-2');
    expect(keys.keyFor(intentSignature('POST', '/b', { quantity: 6 }))).toBe('key-3');
  });

  it('a settled intent asked again is a new intent', () => {
    const keys = intentKeys(counter());
    const s = intentSignature('POST', '/api/admin/orders/o1/deliver', undefined);
    expect(keys.keyFor(s)).toBe('key-1');
    keys.settle(s);
    expect(keys.keyFor(s)).toBe('key-2');
  });

  it('settling another intent leaves the pending one alone', () => {
    const keys = intentKeys(counter());
    const s = intentSignature('POST', '/a', { n: 1 });
    keys.keyFor(s);
    keys.settle(intentSignature('POST', '/a', { n: 2 }));
    expect(keys.keyFor(s)).toBe('key-1');
  });

  it('only a definite 4xx answer settles an intent', () => {
    expect(settlesIntent(new ApiError(409, { code: 'order_not_shippable' }, '409'))).toBe(true);
    expect(settlesIntent(new ApiError(422, undefined, '422'))).toBe(true);
    expect(settlesIntent(new ApiError(408, undefined, '408'))).toBe(false);
    expect(settlesIntent(new ApiError(429, undefined, '429'))).toBe(false);
    expect(settlesIntent(new ApiError(503, undefined, '503'))).toBe(false);
    expect(settlesIntent(new TypeError('fetch failed'))).toBe(false);
  });

  it('canonical JSON drops undefined fields and sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
