/**
 * `buildGateway(deps)`: the Fastify application, with every client injected (Kafka command bus and reply waiter,
 * queries, cache, payment providers, MongoDB, Redis) so tests and the launcher wire it the same way `main.ts` does.
 * Order of registration: errors as problem+json, hardening (rate limits, headers, CORS, request ids), auth, metrics,
 * OpenAPI (before the routes, which it collects), then one plugin per route group, then the static storefront.
 */
import { randomUUID } from 'node:crypto';
import { ServiceSetupError } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import type { Queries } from '@streamshop/projections/queries';
import type { ReadCache } from '@streamshop/read-cache';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { CommandBus } from './adapters/command-bus.ts';
import { createDispatcher } from './adapters/command-dispatch.ts';
import { createIdempotencyKeys } from './adapters/idempotency-keys.ts';
import { createOrderEventsHub, type OrderEventsHub } from './adapters/order-events-hub.ts';
import type { GatewayPaymentProviders } from './adapters/payment-providers.ts';
import type { ReplyWaiter } from './adapters/reply-waiter.ts';
import { createDevSigner, type DevSigner } from './auth/dev-signer.ts';
import { clerkTokenVerifier, type TokenVerifier } from './auth/token-verifier.ts';
import { authPlugin } from './plugins/auth.ts';
import { commandsPlugin } from './plugins/commands.ts';
import { hardeningPlugin, requestIdFrom } from './plugins/hardening.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { problemJsonPlugin, problemJsonServerOptions } from './plugins/problem-json.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { adminCatalogRoutes } from './routes/admin-catalog.routes.ts';
import { adminCustomersRoutes } from './routes/admin-customers.routes.ts';
import { adminImportRoutes } from './routes/admin-import.routes.ts';
import { adminOrdersRoutes } from './routes/admin-orders.routes.ts';
import { adminStockRoutes } from './routes/admin-stock.routes.ts';
import { devRoutes } from './routes/dev.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { invoicesRoutes } from './routes/invoices.routes.ts';
import { orderStreamRoutes } from './routes/order-stream.routes.ts';
import { ordersRoutes } from './routes/orders.routes.ts';
import { paymentsRoutes } from './routes/payments.routes.ts';
import { productsRoutes } from './routes/products.routes.ts';
import { sessionRoutes } from './routes/session.routes.ts';
import { serveSpaIndex, staticRoutes } from './routes/static.routes.ts';
import { webhooksRoutes } from './routes/webhooks.routes.ts';
import { requestValidators } from './schemas/request-validators.ts';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  commands: CommandBus;
  replies: ReplyWaiter;
  queries: Queries;
  cache: ReadCache;
  paymentProviders: GatewayPaymentProviders;
  db: Db;
  redis: Redis;
  /** Namespace of the gateway's own Redis keys (rate limits): the read side's prefix. */
  redisPrefix?: string;
  /** The built storefront to serve at `/`; default `config.gateway.staticDir`. */
  staticDir?: string | undefined;
  /** Where this gateway is reachable (for webhooks it asks providers to send itself); default: the request's host. */
  publicUrl?: () => string | undefined;
  /** Broker answers the gateway's Kafka clients retried, by type, for `/metrics`. */
  kafkaRetriedAnswers?: () => [string, number][];
}

/** What the route plugins share: the deps plus what the app derives from them once. */
export interface GatewayContext extends GatewayDeps {
  orderEvents: OrderEventsHub;
  verifier: TokenVerifier;
  /** Present in dev mode only (STREAMSHOP_DEV_MODE, no Clerk keys, not production). */
  devSigner: DevSigner | undefined;
}

/** The gateway cannot run with this configuration; the message says what to set (printed alone at start). */
export class GatewayConfigError extends ServiceSetupError {
  override name = 'GatewayConfigError';
}

/**
 * Clerk when keys are configured; otherwise the dev signer, but only when dev mode was asked for explicitly
 * (STREAMSHOP_DEV_MODE=1, set by `streamshop up` and the tests): a deployment that forgets a variable must not serve
 * "sign in as admin" to anyone, so the absence of keys alone is a refusal, not dev mode.
 */
async function authFor(config: Config): Promise<{ verifier: TokenVerifier; devSigner: DevSigner | undefined }> {
  const { jwtKey, secretKey, authorizedParties } = config.clerk;
  if (jwtKey || secretKey) {
    const key = jwtKey ? { jwtKey } : { secretKey: secretKey as string };
    return { verifier: clerkTokenVerifier(key, { mode: 'clerk', authorizedParties }), devSigner: undefined };
  }
  if (config.env === 'production') {
    throw new GatewayConfigError(
      'STREAMSHOP_ENV=production but no Clerk keys are set: set CLERK_JWT_KEY (PEM public key, networkless) or ' +
        'CLERK_SECRET_KEY. The dev sign-in is never enabled in production.',
    );
  }
  if (!config.devMode) {
    throw new GatewayConfigError(
      'no Clerk keys are set and dev mode is off: set CLERK_JWT_KEY (PEM public key, networkless) or CLERK_SECRET_KEY, ' +
        'or for local use only STREAMSHOP_DEV_MODE=1 (dev sign-in on a loopback listener).',
    );
  }
  const devSigner = await createDevSigner();
  return {
    verifier: clerkTokenVerifier({ jwtKey: devSigner.publicKeyPem }, { mode: 'dev' }),
    devSigner,
  };
}

/** Headers and body fields never written to the logs. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["svix-signature"]',
  'req.headers["paypal-transmission-sig"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.token',
  '*.clientSecret',
  '*.client_secret',
  '*.card',
  '*.cardNumber',
  '*.number',
  '*.cvc',
  '*.cvv',
  '*.exp_month',
  '*.exp_year',
];

export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const { verifier, devSigner } = await authFor(config);
  const logger = deps.logger.child({ component: 'gateway' }, { redact: REDACTED_LOG_PATHS });

  const app = Fastify({
    loggerInstance: logger,
    // Hardening logs one line per request instead, with any token in the URL masked.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestIdFrom(req.headers['x-request-id'], randomUUID),
    bodyLimit: config.gateway.bodyLimitBytes,
    // What the router answers before any plugin runs (an overlong path parameter) is a problem+json too.
    ...problemJsonServerOptions,
    // X-Forwarded-For is the client's own say unless a proxy we run appended it: only the configured number of hops
    // is believed, so a client cannot pick its own rate-limit bucket (0: the socket's peer is the client).
    // (proxy-addr's hop index: 0 is the socket's peer, i.e. the nearest proxy.)
    trustProxy: (_address: string, hop: number) => hop < config.gateway.trustedProxyHops,
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    // Coercion for query strings, params and headers only: JSON bodies must match their schema's types exactly.
    schemaController: { compilersFactory: { buildValidator: requestValidators() } },
  });

  const staticDir = 'staticDir' in deps ? deps.staticDir : config.gateway.staticDir;
  await app.register(problemJsonPlugin, staticDir ? { notFoundFallback: serveSpaIndex } : {});
  await app.register(hardeningPlugin, {
    corsOrigins: config.gateway.corsOrigins,
    rateLimitPerMinute: config.gateway.rateLimit.perMinute,
    redis: deps.redis,
    redisPrefix: deps.redisPrefix ?? '',
  });
  await app.register(authPlugin, { verifier });

  const orderEvents = createOrderEventsHub({ cache: deps.cache, logger });
  await app.register(metricsPlugin, {
    cacheStats: () => deps.cache.stats(),
    kafkaRetriedAnswers: deps.kafkaRetriedAnswers ?? (() => []),
    openStreams: () => orderEvents.size,
  });
  const dispatcher = createDispatcher({
    bus: deps.commands,
    replies: deps.replies,
    timeoutMs: config.gateway.commandTimeoutMs,
    observe: (command, outcome, seconds) => app.metrics.commandReply.observe({ command, outcome }, seconds),
  });
  const idempotencyKeys = createIdempotencyKeys({ redis: deps.redis, prefix: deps.redisPrefix ?? '' });
  await app.register(commandsPlugin, { dispatcher, idempotencyKeys, logger });
  await app.register(openapiPlugin);

  const ctx: GatewayContext = { ...deps, orderEvents, verifier, devSigner };
  await app.register(healthRoutes, ctx);
  await app.register(sessionRoutes, ctx);
  if (devSigner) await app.register(devRoutes, ctx);
  await app.register(productsRoutes, ctx);
  await app.register(ordersRoutes, ctx);
  await app.register(orderStreamRoutes, ctx);
  await app.register(invoicesRoutes, ctx);
  await app.register(paymentsRoutes, ctx);
  await app.register(adminRoutes, ctx);
  await app.register(adminCatalogRoutes, ctx);
  await app.register(adminStockRoutes, ctx);
  await app.register(adminOrdersRoutes, ctx);
  await app.register(adminCustomersRoutes, ctx);
  await app.register(adminImportRoutes, ctx);
  await app.register(webhooksRoutes, ctx);
  if (staticDir) await app.register(staticRoutes, { root: staticDir });

  app.addHook('onReady', () => orderEvents.start());
  app.addHook('onClose', () => orderEvents.stop());
  // Typed with our pino Logger; callers only need the plain instance.
  return app as unknown as FastifyInstance;
}
