import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { redactUrl, requestIdFrom, SECURITY_HEADERS, securityHeaders } from './hardening.ts';

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

describe('securityHeaders', () => {
  it('are exactly the headers helmet sets on a real response for the same options', () => {
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    res.setHeader('X-Powered-By', 'something');
    let called = false;
    helmet(SECURITY_HEADERS)(res.req, res, () => {
      called = true;
    });
    expect(called).toBe(true);
    const real = Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]));
    expect(securityHeaders(SECURITY_HEADERS)).toEqual(real);
  });

  it('let the storefront use Stripe, PayPal and Clerk, and their popups reach back', () => {
    const headers = securityHeaders(SECURITY_HEADERS);
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toMatch(
      /script-src [^;]*https:\/\/js\.stripe\.com[^;]*https:\/\/\*\.paypal\.com/,
    );
    expect(headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
    expect(headers['cross-origin-embedder-policy']).toBeUndefined();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });
});
