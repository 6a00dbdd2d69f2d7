/**
 * The built storefront (a Vite SPA): files from `root`, and `index.html` for any other GET that is not an API,
 * webhook, docs or ops path, so client-side routes (`/orders/…`) survive a reload (the not-found handler in
 * problem-json asks `serveSpaIndex`). Files are looked up on disk per request (one wildcard route, not a route per
 * file listed at start), so a storefront rebuilt under a running gateway is served at once, new hashed assets
 * included; a path with no file falls through to the not-found handler. Hashed assets are immutable; `index.html` is
 * never cached.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const NOT_SPA = /^\/(api|webhooks|docs|openapi\.json|health|ready|metrics)(\/|$|\?)/;

async function storefront(app: FastifyInstance, { root }: { root: string }) {
  await app.register(fastifyStatic, {
    root,
    wildcard: true,
    index: false,
    setHeaders(res, path) {
      res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
}

export const staticRoutes = fp(storefront, { name: 'storefront' });

/** For the not-found handler: answers a client-side route with index.html; false when the request is not one. */
export function serveSpaIndex(request: FastifyRequest, reply: FastifyReply): boolean {
  const path = request.url.split('?')[0] ?? '/';
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (NOT_SPA.test(path) || /\.[A-Za-z0-9]+$/.test(path)) return false; // a missing asset stays a 404
  void reply.type('text/html; charset=utf-8').sendFile('index.html');
  return true;
}
