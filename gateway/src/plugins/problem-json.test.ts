import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { problemJsonPlugin, problemJsonServerOptions } from './problem-json.ts';

async function app() {
  const server = Fastify(problemJsonServerOptions);
  await server.register(problemJsonPlugin);
  server.get('/orders/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  return server;
}

describe('what the router answers before any route runs', () => {
  it("routes every id our schemas accept (200 characters), which Fastify's default limit answered 414", async () => {
    const server = await app();
    const id = 'o'.repeat(200);
    const res = await server.inject(`/orders/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id });
  });

  it('answers a far longer path parameter 414 as problem+json', async () => {
    const server = await app();
    const res = await server.inject(`/orders/${'o'.repeat(5000)}`);
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 414, code: 'uri_too_long', title: 'URI Too Long' });
  });

  it('answers a malformed percent-encoding 400 as problem+json', async () => {
    const server = await app();
    const res = await server.inject('/orders/%E0%A4%A');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 400, code: 'bad_url' });
  });
});

describe("what Node's HTTP parser refuses before Fastify sees a request", () => {
  it('answers a request head past 16 KiB 431 as problem+json', async () => {
    const server = await app();
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = server.server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/orders/o1?access_token=${'t'.repeat(20_000)}`);
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(await res.json()).toMatchObject({ status: 431, code: 'headers_too_large' });
    } finally {
      await server.close();
    }
  });
});
