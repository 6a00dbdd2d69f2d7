/**
 * Wiring only: the gateway's clients (Kafka producer and reply consumer, MongoDB, Redis, the read cache and queries,
 * the payment providers) created from the configuration, then `buildGateway` and `listen`. `startGateway` is what the
 * platform launcher and the end-to-end tests run; `tsx gateway/src/main.ts` runs it alone until SIGTERM/SIGINT.
 *
 * Namespacing (tests, side-by-side environments): `prefix` prefixes topics, registry subjects and the reply
 * consumer's group; the database and the Redis prefix default to the same id (`t_x.` → database `t_x`, Redis
 * `t_x:`), as the testkit's namespaces do, unless given explicitly.
 */
import { ensureCatalogTopics, isEntryPoint, runEntryPoint, ServiceSetupError } from '@streamshop/command-service';
import { type Config, isLoopbackHost, loadConfig, requireProductionSecrets } from '@streamshop/config';
import { createKafka, RetriedBrokerAnswers, type Runnable, runUntilSignal } from '@streamshop/eventsourcing-kafka';
import { createPaymentProviders } from '@streamshop/payment-service/providers';
import { createQueries } from '@streamshop/projections/queries';
import { createReadCache, followActiveGenerations } from '@streamshop/read-cache';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { type Logger, pino } from 'pino';
import { createCommandBus } from './adapters/command-bus.ts';
import type { GatewayPaymentProviders } from './adapters/payment-providers.ts';
import { RATE_LIMIT_COMMAND } from './adapters/rate-limit-store.ts';
import { createReplyWaiter } from './adapters/reply-waiter.ts';
import { buildGateway, GatewayConfigError, REDACTED_LOG_PATHS } from './app.ts';

export interface GatewayOptions {
  /** Topic / subject / consumer-group prefix (e.g. a test namespace's `t_x_ab12.`). */
  prefix?: string;
  /** MongoDB database; default: derived from `prefix`, else `config.mongo.database`. */
  database?: string;
  /** Redis key prefix; default: derived from `prefix` (`t_x_ab12:`), else none. */
  redisPrefix?: string;
  logger?: Logger;
  /** The built storefront; default `config.gateway.staticDir`. */
  staticDir?: string;
  /** Default `config.gateway.port` / `host`; port 0 picks a free port (see `url`). */
  port?: number;
  host?: string;
  /** Default: `createPaymentProviders(config, logger)`. */
  paymentProviders?: GatewayPaymentProviders;
  /** How long an active generation read from Redis is trusted without a control notice (tests); default 1 s. */
  activeGenerationMaxAgeMs?: number;
}

export interface GatewayRunnable extends Runnable {
  /** `http://host:port` once started. */
  readonly url: string;
  /** The Fastify instance once started (tests use `inject`). */
  readonly app: FastifyInstance;
}

export function startGateway(config: Config, options: GatewayOptions = {}): GatewayRunnable {
  const prefix = options.prefix ?? '';
  const id = prefix.replace(/[.:]+$/, '');
  const database = options.database ?? (id || config.mongo.database);
  const redisPrefix = options.redisPrefix ?? (id ? `${id}:` : '');
  const logger = (options.logger ?? pino({ level: config.logLevel, redact: REDACTED_LOG_PATHS })).child({
    process: 'gateway',
  });
  const stops: (() => Promise<unknown>)[] = [];
  let app: FastifyInstance | undefined;
  let url: string | undefined;

  const stop = async () => {
    const errors: unknown[] = [];
    for (const fn of stops.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'gateway did not stop cleanly');
  };

  return {
    get url() {
      if (!url) throw new Error('gateway not started');
      return url;
    },
    get app() {
      if (!app) throw new Error('gateway not started');
      return app;
    },
    async start() {
      const host = options.host ?? config.gateway.host;
      // loadConfig refuses GATEWAY_HOST off loopback in dev mode; a host given here must obey the same rule.
      if (config.devMode && !isLoopbackHost(host)) {
        throw new GatewayConfigError(
          `dev mode (STREAMSHOP_DEV_MODE) listens on loopback only, not ${host}: anyone who reaches it can sign in as an admin; set GATEWAY_HOST=127.0.0.1, or unset STREAMSHOP_DEV_MODE and configure real secrets`,
        );
      }
      try {
        const retriedAnswers = new RetriedBrokerAnswers();
        const kafka = createKafka(
          { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-gateway`, retriedAnswers },
          logger,
        );
        const serde = new AvroSerde({ registryUrl: config.registry.url, prefix });

        const mongo = new MongoClient(config.mongo.url, { serverSelectionTimeoutMS: 5_000 });
        await mongo.connect().catch((err: Error) => {
          throw new ServiceSetupError(
            `cannot reach MongoDB at ${config.mongo.url} (${err.message}); start it with \`npx streamshop stack up\` or set MONGODB_URL`,
          );
        });
        stops.push(() => mongo.close());
        const db = mongo.db(database);

        // Fail fast when Redis is down (the cache then answers from MongoDB) instead of queueing commands.
        // Auto-pipelining: the commands concurrent requests issue in one turn of the event loop (cache reads, above
        // all) leave in one socket write; a write per command was a third of the gateway's CPU under load.
        const redis = new Redis(config.redis.url, {
          lazyConnect: true,
          enableOfflineQueue: false,
          commandTimeout: 1_000,
          maxRetriesPerRequest: 1,
          enableAutoPipelining: true,
          autoPipeliningIgnoredCommands: [RATE_LIMIT_COMMAND],
        });
        redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
        await redis.connect().catch((err: Error) => {
          throw new ServiceSetupError(
            `cannot reach Redis at ${config.redis.url} (${err.message}); start it with \`npx streamshop stack up\` or set REDIS_URL`,
          );
        });
        stops.push(async () => redis.disconnect());
        const cache = createReadCache({ redis, prefix: redisPrefix, logger });
        // Every query asks which generation to read; held in memory and moved by the switch's control notice, that
        // costs no Redis round trip (read-cache's active-generations.ts says how late a lost notice can make it).
        const generations = followActiveGenerations(cache, { maxAgeMs: options.activeGenerationMaxAgeMs });
        await generations.start();
        stops.push(() => generations.stop());
        const queries = createQueries({ db, cache, logger, activeGeneration: generations.get });

        const commands = createCommandBus({ kafka, serde, prefix });
        await commands.start().catch((err: Error) => {
          throw new ServiceSetupError(
            `cannot reach Kafka at ${config.kafka.brokers.join(',')} (${err.message}); start it with \`npx streamshop stack up\` or set KAFKA_BROKERS`,
          );
        });
        stops.push(() => commands.stop());
        const replies = createReplyWaiter({
          kafka,
          serde,
          topic: topicName('commerce.command-replies', prefix),
          groupPrefix: prefix,
          logger,
        });
        stops.push(() => replies.stop());
        await replies.start();

        const paymentProviders = options.paymentProviders ?? createPaymentProviders(config, logger);
        app = await buildGateway({
          config,
          logger,
          commands,
          replies,
          queries,
          cache,
          paymentProviders,
          db,
          redis,
          redisPrefix,
          staticDir: options.staticDir ?? config.gateway.staticDir,
          publicUrl: () => url,
          kafkaRetriedAnswers: () => retriedAnswers.entries(),
        });
        stops.push(() => app!.close());
        await app.listen({ port: options.port ?? config.gateway.port, host });
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : (options.port ?? config.gateway.port);
        url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
        logger.info({ url, database, prefix, redisPrefix }, 'gateway listening');
      } catch (err) {
        await stop().catch(() => {});
        throw err;
      }
    },
    stop,
  };
}

export { GatewayConfigError };

if (isEntryPoint(import.meta.url)) {
  await runEntryPoint('gateway', async () => {
    const config = loadConfig();
    // Before connecting to anything: a deployment missing a secret stops here, naming every variable to set.
    requireProductionSecrets(config, 'gateway');
    const logger = pino({ level: config.logLevel, redact: REDACTED_LOG_PATHS });
    // The reply consumer needs commerce.command-replies; creating missing catalog topics is idempotent.
    await ensureCatalogTopics(config, logger);
    await runUntilSignal([startGateway(config, { logger })], { logger });
  });
}
