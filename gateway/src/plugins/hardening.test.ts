import { describe, expect, it } from 'vitest';
import { redactUrl, requestIdFrom } from './hardening.ts';

describe('redactUrl', () => {
  it('masks access tokens wherever they are in the query string', () => {
    expect(redactUrl('/api/orders/o1/events?access_token=eyJ.x.y')).toBe(
      '/api/orders/o1/events?access_token=[redacted]',
    );
    expect(redactUrl('/a?x=1&access_token=abc&y=2')).toBe('/a?x=1&access_token=[redacted]&y=2');
    expect(redactUrl('/api/products?q=token')).toBe('/api/products?q=token');
  });
});

describe('requestIdFrom', () => {
  it("keeps a caller's well-formed id, replaces anything else", () => {
    expect(requestIdFrom('req-1.a:b_c', () => 'fresh')).toBe('req-1.a:b_c');
    expect(requestIdFrom('has spaces', () => 'fresh')).toBe('fresh');
    expect(requestIdFrom('x'.repeat(129), () => 'fresh')).toBe('fresh');
    expect(requestIdFrom(['a', 'b'], () => 'fresh')).toBe('fresh');
    expect(requestIdFrom(undefined, () => 'fresh')).toBe('fresh');
  });
});
