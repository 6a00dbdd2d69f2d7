/**
 * What every request goes through before a route sees it: rate limits (global per client, stricter per route through
 * `config.rateLimit`), security headers (helmet, with a CSP that lets the storefront talk to Stripe, PayPal and
 * Clerk), a CORS allow-list, the request id echoed as `x-request-id`, and one access log line per request whose URL
 * has any `access_token` masked (the SSE route takes one in the query string).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { Redis } from 'ioredis';
import { batchedRedisStore } from '../adapters/rate-limit-store.ts';
import { HttpProblem } from './problem-json.ts';

export interface HardeningOptions {
  corsOrigins: string[];
  rateLimitPerMinute: number;
  /** Shared limit store (several gateway instances count together); in memory when absent. */
  redis?: Redis;
  redisPrefix: string;
}

/** `?access_token=…` → `?access_token=[redacted]`, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');
}

/**
 * Helmet's options: a CSP that lets the storefront load Stripe, PayPal and Clerk, and popups that can talk back to
 * their opener (Stripe and PayPal's).
 */
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: [
        "'self'",
        'https://js.stripe.com',
        'https://*.paypal.com',
        'https://*.clerk.accounts.dev',
        'https://*.clerk.com',
      ],
      frameSrc: [
        "'self'",
        'https://js.stripe.com',
        'https://hooks.stripe.com',
        'https://*.paypal.com',
        'https://*.clerk.accounts.dev',
      ],
      connectSrc: [
        "'self'",
        'https://api.stripe.com',
        'https://*.paypal.com',
        'https://*.clerk.accounts.dev',
        'https://*.clerk.com',
      ],
      imgSrc: ["'self'", 'data:', 'https:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      workerSrc: ["'self'", 'blob:'],
    },
  },
  // Stripe and PayPal popups need to talk back to the opener.
  crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers helmet sets for these options, computed once. @fastify/helmet ran helmet(options) for every request,
 * re-parsing the CSP and rebuilding its middleware each time (a fifth of the gateway's CPU on a cached product
 * read, docs/performance.md); without CSP nonces the headers never depend on the request, so helmet runs here once
 * against a response that only records them.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return headers;
}

async function hardening(app: FastifyInstance, options: HardeningOptions) {
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    // Counted in Redis, one script call per turn of the event loop for all requests (see batchedRedisStore).
    ...(options.redis
      ? { store: batchedRedisStore(options.redis, `${options.redisPrefix}gateway:rl:`), skipOnError: true }
      : {}),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        429,
        'rate_limited',
        `more than ${context.max} requests in ${context.after === '1 minute' ? 'a minute' : context.after}; retry in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });

  // The same headers on every response: computed once (see securityHeaders), set in one call per request.
  const headers = securityHeaders(SECURITY_HEADERS);
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });

  const allowed = new Set(options.corsOrigins);
  await app.register(cors, {
    origin: (origin, cb) => {
      // No Origin: same-origin or not a browser. Disallowed origins get no CORS headers (the browser blocks them).
      cb(null, origin === undefined || allowed.has('*') || allowed.has(origin));
    },
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'Last-Event-ID'],
    exposedHeaders: [
      'Location',
      'X-Request-Id',
      'X-Read-Model-Version',
      'Retry-After',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ],
    maxAge: 600,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // The access line holds only the fields below (the URL with its token masked), which no redaction path of the
  // gateway's logger matches; running pino's redaction over it anyway was a tenth of the CPU of a cached read.
  const accessLog = app.log.child({}, { redact: [] });
  app.addHook('onResponse', async (request, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    accessLog[level](
      {
        reqId: request.id,
        method: request.method,
        url: redactUrl(request.url),
        route: request.routeOptions.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        user: request.principal?.id,
      },
      'request completed',
    );
  });
}

export const hardeningPlugin = fp(hardening, { name: 'hardening', dependencies: ['problem-json'] });

/** The request id: the caller's `x-request-id` when it looks like one (proxies set it), else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined, fresh: () => string): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : fresh();
}
