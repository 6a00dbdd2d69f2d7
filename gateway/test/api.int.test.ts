/**
 * The HTTP contract around the routes: malformed input → 400 problem+json on every route that takes input; missing,
 * forged and expired tokens → 401; a shopper on an admin route → 403; past the rate limit → 429; the dev signer's
 * tokens verified like Clerk's (and refused in production); ops endpoints; CORS, request ids, security headers.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicName } from '@streamshop/schemas/topics';
import { createNamespace, eventually } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import {
  ADDRESS,
  activateGeneration1,
  clerkInstance,
  observe,
  startTestGateway,
  withConfig,
} from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
let clerk: Awaited<ReturnType<typeof clerkInstance>>;
let gateway: GatewayRunnable;
let devGateway: GatewayRunnable;
let shopper: string;
let admin: string;
let storefront: string;

beforeAll(async () => {
  // A built storefront as Vite leaves it: index.html and hashed assets.
  storefront = await mkdtemp(join(tmpdir(), 'storefront-'));
  await mkdir(join(storefront, 'assets'));
  await writeFile(join(storefront, 'index.html'), '<!doctype html><title>streamshop</title><div id="root"></div>');
  await writeFile(join(storefront, 'assets', 'app-3f9a.js'), 'console.log("app")');
  clerk = await clerkInstance();
  const config = withConfig(ns.config, {
    clerk: { jwtKey: clerk.jwtKey, webhookSecret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=' },
    gateway: { corsOrigins: ['https://shop.example.com'] },
  });
  gateway = await startTestGateway(ns, config);
  devGateway = await startTestGateway(
    ns,
    withConfig(ns.config, {
      clerk: { jwtKey: undefined, secretKey: undefined },
      gateway: { rateLimit: { perMinute: 1000, commandsPerMinute: 100, loginsPerMinute: 3 } },
    }),
    { redisPrefix: `${ns.redisPrefix}dev:`, staticDir: storefront },
  );
  shopper = await clerk.token('user_shopper');
  admin = await clerk.token('user_admin', { role: 'admin' });
  const { db } = await ns.mongo();
  await activateGeneration1(db, ns, ['products', 'orders', 'sales', 'inventory']);
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), devGateway?.stop()]);
  if (storefront) await rm(storefront, { recursive: true, force: true });
  await ns.cleanup();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('malformed input', () => {
  const order = { lines: [{ sku: 'SKU-1', quantity: 1 }], shippingAddress: ADDRESS, paymentProvider: 'stripe' };
  const key = { 'idempotency-key': 'key-12345678' };
  const cases: {
    name: string;
    method: 'GET' | 'POST';
    url: string;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
    code?: string;
  }[] = [
    { name: 'products: limit 0', method: 'GET', url: '/api/products?limit=0' },
    { name: 'products: limit not a number', method: 'GET', url: '/api/products?limit=lots' },
    { name: 'products: limit over 100', method: 'GET', url: '/api/products?limit=101' },
    { name: 'products: unknown sort', method: 'GET', url: '/api/products?sort=random' },
    { name: 'products: negative price', method: 'GET', url: '/api/products?minPrice=-1' },
    {
      name: 'products: price range inverted',
      method: 'GET',
      url: '/api/products?minPrice=500&maxPrice=100',
      code: 'invalid_price_range',
    },
    {
      name: 'products: forged cursor',
      method: 'GET',
      url: '/api/products?cursor=eyJrIjoib3RoZXIiLCJ2IjpbXX0',
      code: 'invalid_cursor',
    },
    { name: 'product: id with a space', method: 'GET', url: '/api/products/a%20b' },
    { name: 'orders: limit too big', method: 'GET', url: '/api/orders?limit=1000' },
    { name: 'orders: bad cursor', method: 'GET', url: '/api/orders?cursor=%25%25' },
    { name: 'order: minVersion 0', method: 'GET', url: '/api/orders/o1?minVersion=0' },
    { name: 'order: bad id', method: 'GET', url: '/api/orders/o%201' },
    { name: 'order events: bad id', method: 'GET', url: '/api/orders/o%201/events' },
    {
      name: 'place: not JSON',
      method: 'POST',
      url: '/api/orders',
      raw: '{"lines": [',
      headers: key,
      code: 'malformed_json',
    },
    { name: 'place: no lines', method: 'POST', url: '/api/orders', body: { ...order, lines: [] }, headers: key },
    {
      name: 'place: quantity 0',
      method: 'POST',
      url: '/api/orders',
      body: { ...order, lines: [{ sku: 'SKU-1', quantity: 0 }] },
      headers: key,
    },
    {
      name: 'place: fractional quantity',
      method: 'POST',
      url: '/api/orders',
      body: { ...order, lines: [{ sku: 'SKU-1', quantity: 1.5 }] },
      headers: key,
    },
    {
      name: 'place: country not ISO',
      method: 'POST',
      url: '/api/orders',
      body: { ...order, shippingAddress: { ...ADDRESS, country: 'France' } },
      headers: key,
    },
    {
      name: 'place: unknown provider',
      method: 'POST',
      url: '/api/orders',
      body: { ...order, paymentProvider: 'cash' },
      headers: key,
    },
    {
      name: 'place: no address',
      method: 'POST',
      url: '/api/orders',
      body: { lines: order.lines, paymentProvider: 'stripe' },
      headers: key,
    },
    { name: 'place: no Idempotency-Key', method: 'POST', url: '/api/orders', body: order },
    {
      name: 'place: Idempotency-Key too short',
      method: 'POST',
      url: '/api/orders',
      body: order,
      headers: { 'idempotency-key': 'short' },
    },
    { name: 'cancel: bad id', method: 'POST', url: '/api/orders/o%201/cancel' },
    {
      name: 'cancel: Idempotency-Key too short',
      method: 'POST',
      url: '/api/orders/o1/cancel',
      headers: { 'idempotency-key': 'x' },
    },
    { name: 'payment: unknown provider', method: 'POST', url: '/api/orders/o1/payment', body: { provider: 'bitcoin' } },
    { name: 'payment: no body', method: 'POST', url: '/api/orders/o1/payment', body: {} },
    { name: 'test-succeed: bad id', method: 'POST', url: '/api/orders/o%201/payment/stripe/test-succeed' },
    { name: 'paypal capture: no order id', method: 'POST', url: '/api/orders/o1/payment/paypal/capture', body: {} },
    {
      name: 'paypal capture: bad order id',
      method: 'POST',
      url: '/api/orders/o1/payment/paypal/capture',
      body: { paypalOrderId: 'a b' },
    },
    { name: 'admin sales: no range', method: 'GET', url: '/api/admin/sales' },
    {
      name: 'admin sales: not a date',
      method: 'GET',
      url: '/api/admin/sales?from=2024-02-30&to=2024-03-01',
      code: 'invalid_date_range',
    },
    { name: 'admin order: bad id', method: 'GET', url: '/api/admin/orders/o%201' },
    { name: 'admin inventory: bad sku', method: 'GET', url: '/api/admin/inventory/a%20b' },
    {
      name: 'stripe webhook: no signature',
      method: 'POST',
      url: '/webhooks/stripe',
      raw: '{}',
      code: 'invalid_signature',
    },
    {
      name: 'paypal webhook: no headers',
      method: 'POST',
      url: '/webhooks/paypal',
      raw: '{}',
      code: 'invalid_signature',
    },
    {
      name: 'clerk webhook: no svix headers',
      method: 'POST',
      url: '/webhooks/clerk',
      raw: '{}',
      code: 'invalid_signature',
    },
  ];

  it.each(cases)('$name → 400 problem+json', async ({ method, url, body, raw, headers, code }) => {
    const asAdmin = url.startsWith('/api/admin');
    const res = await gateway.app.inject({
      method,
      url,
      headers: {
        ...bearer(asAdmin ? admin : shopper),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(raw !== undefined ? { payload: raw } : body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', type: expect.stringContaining('/problems/') });
    expect(problem.code).toBe(code ?? 'invalid_request');
    expect(problem.detail).toEqual(expect.any(String));
    expect(res.body).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('names the failing field, e.g. the missing Idempotency-Key header', async () => {
    const res = await gateway.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: bearer(shopper),
      payload: order,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({ path: 'headers.idempotency-key', message: expect.any(String) });
  });

  it('dev login without a user id → 400', async () => {
    const res = await devGateway.app.inject({ method: 'POST', url: '/api/dev/login', payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_request');
  });
});

describe('authentication and roles', () => {
  const other = async () => {
    const impostor = await clerkInstance();
    return impostor.token('user_admin', { role: 'admin' });
  };

  it.each([
    ['no token', {}, 'token_missing'],
    ['not a bearer token', { authorization: 'Basic dXNlcjpwYXNz' }, 'token_invalid'],
    ['garbage', { authorization: 'Bearer not.a.jwt' }, 'token_invalid'],
  ])('%s → 401', async (_name, headers, code) => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/me', headers });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe(code);
  });

  it('a token signed with another key (forged) → 401 token_invalid', async () => {
    const res = await gateway.app.inject({
      method: 'GET',
      url: '/api/admin/sales?from=2024-01-01&to=2024-01-02',
      headers: bearer(await other()),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('token_invalid');
  });

  it('an expired token → 401 token_expired', async () => {
    const expired = await clerk.token('user_shopper', { issuedSecondsAgo: 3600, expiresInSeconds: 600 });
    const res = await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(expired) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('token_expired');
  });

  it('a valid token → the caller, role from metadata', async () => {
    const me = await gateway.app.inject({ method: 'GET', url: '/api/me', headers: bearer(admin) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ id: 'user_admin', role: 'admin' });
  });

  it('a shopper on admin routes → 403; an admin → 200', async () => {
    for (const url of [
      '/api/admin/sales?from=2024-01-01&to=2024-01-31',
      '/api/admin/orders/o1',
      '/api/admin/inventory/SKU-1',
    ]) {
      const res = await gateway.app.inject({ method: 'GET', url, headers: bearer(shopper) });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('forbidden');
    }
    const sales = await gateway.app.inject({
      method: 'GET',
      url: '/api/admin/sales?from=2024-01-01&to=2024-01-02',
      headers: bearer(admin),
    });
    expect(sales.statusCode).toBe(200);
    expect(sales.json().perDay).toHaveLength(2);
  });

  it('the dev signer: demo users, login, and its token verified by the same Clerk path', async () => {
    expect(gateway.app.hasRoute({ method: 'POST', url: '/api/dev/login' })).toBe(false); // Clerk mode: no dev login
    const users = await devGateway.app.inject({ method: 'GET', url: '/api/dev/users' });
    expect(users.json().map((u: { id: string }) => u.id)).toEqual([
      'user_demo_shopper',
      'user_demo_admin',
      'user_demo_shopper2',
    ]);
    const login = await devGateway.app.inject({
      method: 'POST',
      url: '/api/dev/login',
      payload: { userId: 'user_demo_admin' },
    });
    expect(login.statusCode).toBe(200);
    const { token, expiresAt, user } = login.json();
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(user).toMatchObject({ id: 'user_demo_admin', role: 'admin' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(Object.keys(claims)).toEqual(
      expect.arrayContaining(['sub', 'sid', 'iss', 'azp', 'iat', 'nbf', 'exp', 'metadata']),
    );
    const me = await devGateway.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    expect(me.json()).toEqual({
      id: 'user_demo_admin',
      role: 'admin',
      name: 'Ada Admin',
      email: 'ada.admin@example.com',
    });
    // The dev gateway's key is its own: a token from the Clerk-mode instance is forged here.
    const forged = await devGateway.app.inject({ method: 'GET', url: '/api/me', headers: bearer(admin) });
    expect(forged.statusCode).toBe(401);
    const config = await devGateway.app.inject({ method: 'GET', url: '/api/config' });
    expect(config.json()).toMatchObject({
      auth: 'dev',
      currency: 'EUR',
      stripeTestMode: true,
      maxUnitsPerSku: ns.config.orders.maxUnitsPerSku,
    });
  });

  it('in production without Clerk keys the gateway refuses to start', async () => {
    const production = withConfig(ns.config, { env: 'production', clerk: { jwtKey: undefined, secretKey: undefined } });
    await expect(startTestGateway(ns, production)).rejects.toThrow(/production.*CLERK_JWT_KEY.*CLERK_SECRET_KEY/s);
  });
});

describe('dev sign-in plays Clerk', () => {
  it("records the demo user's profile as Clerk's user.created webhook would, the same command at every sign-in", async () => {
    const users = await observe(ns, [topicName('users.commands', ns.topicPrefix)]);
    try {
      for (const remoteAddress of ['10.9.0.1', '10.9.0.2']) {
        const res = await devGateway.app.inject({
          method: 'POST',
          url: '/api/dev/login',
          payload: { userId: 'user_demo_admin' },
          remoteAddress,
        });
        expect(res.statusCode).toBe(200);
      }
      const recorded = await eventually(() => {
        const seen = users.of(topicName('users.commands', ns.topicPrefix)).filter((r) => r.key === 'user_demo_admin');
        expect(seen.length).toBeGreaterThanOrEqual(2);
        return seen;
      });
      expect(recorded[0]!.value).toMatchObject({
        eventType: 'user.created',
        name: 'Ada Admin',
        email: 'ada.admin@example.com',
        role: 'admin',
      });
      // One command id: the User decider records the profile once, however often the demo admin signs in.
      expect(new Set(recorded.map((r) => r.value.commandId)).size).toBe(1);
    } finally {
      await users.stop();
    }
  });
});

describe('hardening', () => {
  it('past the login rate limit → 429 problem with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof devGateway.app.inject>> | undefined;
    for (let i = 0; i < 4; i++) {
      // A client of its own (rate limits are per client address), so earlier logins in this file do not count.
      last = await devGateway.app.inject({
        method: 'POST',
        url: '/api/dev/login',
        payload: { userId: 'user_demo_shopper' },
        remoteAddress: '10.1.2.3',
      });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(last!.json().code).toBe('rate_limited');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('echoes request ids, sets security headers, allows only listed CORS origins', async () => {
    const res = await gateway.app.inject({
      method: 'GET',
      url: '/api/categories',
      headers: { 'x-request-id': 'req-abc.123', origin: 'https://shop.example.com' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('req-abc.123');
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    const evil = await gateway.app.inject({
      method: 'GET',
      url: '/api/categories',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const fresh = await gateway.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses bodies over the size limit with 413', async () => {
    const res = await gateway.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...bearer(shopper), 'content-type': 'application/json', 'idempotency-key': 'key-big-body' },
      payload: JSON.stringify({ pad: 'x'.repeat(ns.config.gateway.bodyLimitBytes + 1) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('unknown routes are 404 problems', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('route_not_found');
  });
});

describe('the storefront', () => {
  it('serves the built files, index.html for client-side routes, and problems for unknown API paths', async () => {
    const home = await devGateway.app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<div id="root">');
    const asset = await devGateway.app.inject({ method: 'GET', url: '/assets/app-3f9a.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const route = await devGateway.app.inject({
      method: 'GET',
      url: '/orders/abc?paypal=approved',
      headers: { accept: 'text/html' },
    });
    expect(route.statusCode).toBe(200);
    expect(route.headers['content-type']).toMatch(/^text\/html/);
    expect(route.body).toContain('<div id="root">');
    const missingAsset = await devGateway.app.inject({ method: 'GET', url: '/assets/gone-1234.js' });
    expect(missingAsset.statusCode).toBe(404);
    const api = await devGateway.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('route_not_found');
    // Without a static dir, / is just an unknown route.
    expect((await gateway.app.inject({ method: 'GET', url: '/orders/abc' })).statusCode).toBe(404);
  });

  it('serves a storefront rebuilt while the gateway runs: new hashed assets and the new index.html', async () => {
    await writeFile(join(storefront, 'assets', 'app-7c1e.js'), 'console.log("rebuilt")');
    await writeFile(
      join(storefront, 'index.html'),
      '<!doctype html><title>streamshop</title><div id="root"></div><script src="/assets/app-7c1e.js"></script>',
    );
    const asset = await devGateway.app.inject({ method: 'GET', url: '/assets/app-7c1e.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("rebuilt")');
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const url of ['/', '/orders/abc']) {
      const page = await devGateway.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('/assets/app-7c1e.js');
    }
    const head = await devGateway.app.inject({ method: 'HEAD', url: '/assets/app-7c1e.js' });
    expect(head.statusCode).toBe(200);
    // The SPA fallback answers only GET/HEAD of non-API paths; other methods and unknown API paths stay problems.
    expect((await devGateway.app.inject({ method: 'POST', url: '/orders/abc' })).statusCode).toBe(404);
    const api = await devGateway.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('ops', () => {
  it('/health and /ready (Kafka, MongoDB, Redis, reply consumer)', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ready');
    for (const dep of ['kafka', 'mongo', 'redis', 'replies']) expect(body.checks[dep]?.status, dep).toBe('up');
  });

  it('/metrics: request latency by route, command reply latency, cache hit ratio', async () => {
    await gateway.app.inject({ method: 'GET', url: '/api/products' });
    await gateway.app.inject({ method: 'GET', url: '/api/products' });
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(
      /streamshop_gateway_http_request_duration_seconds_count\{route="\/api\/products",method="GET",status_code="200"\} \d+/,
    );
    expect(text).toContain('# TYPE streamshop_gateway_command_reply_duration_seconds histogram');
    const ratio = /^streamshop_gateway_read_cache_hit_ratio (\S+)$/m.exec(text)?.[1];
    expect(Number(ratio)).toBeGreaterThan(0); // the second search was a hit
  });

  it('/openapi.json documents the routes with their schemas; /docs serves the UI', async () => {
    const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: unknown[] }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/products',
        '/api/orders',
        '/api/orders/{id}',
        '/api/orders/{id}/payment',
        '/webhooks/stripe',
      ]),
    );
    expect(doc.paths['/api/orders']?.post?.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }),
    );
    expect((await fetch(`${gateway.url}/docs/`)).status).toBe(200);
  });
});
