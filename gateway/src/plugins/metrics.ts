/**
 * Prometheus metrics at `/metrics` (prom-client, one registry per gateway instance — no global registry, so two
 * gateways in one process, as in tests, do not collide): request latency by route, method and status; command reply
 * latency by command and outcome; the read cache's hit ratio; open SSE streams; the broker answers kafkajs retried
 * (logged at debug, so this is where a broker that keeps answering them shows); and the process defaults.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  commandReply: Histogram<'command' | 'outcome'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: GatewayMetrics;
  }
}

export interface MetricsOptions {
  /** Read cache counters (`cache.stats()`). */
  cacheStats: () => { hits: number; misses: number };
  /** Open order event streams. */
  openStreams: () => number;
  /** Broker answers the gateway's Kafka clients retried since start, by Kafka error type. */
  kafkaRetriedAnswers: () => [string, number][];
}

async function metrics(app: FastifyInstance, options: MetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'streamshop_gateway_' });
  const httpDuration = new Histogram({
    name: 'streamshop_gateway_http_request_duration_seconds',
    help: 'HTTP request latency by route (the route pattern, not the URL), method and status',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const commandReply = new Histogram({
    name: 'streamshop_gateway_command_reply_duration_seconds',
    help: 'Time from sending a command to its reply on commerce.command-replies (outcome pending = timed out)',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'streamshop_gateway_read_cache_hit_ratio',
    help: 'Read cache hits / (hits + misses) since start (NaN before the first read)',
    registers: [registry],
    collect() {
      const { hits, misses } = options.cacheStats();
      this.set(hits + misses === 0 ? Number.NaN : hits / (hits + misses));
    },
  });
  new Gauge({
    name: 'streamshop_gateway_order_streams_open',
    help: 'Open order event streams (SSE) and read-your-writes waits',
    registers: [registry],
    collect() {
      this.set(options.openStreams());
    },
  });

  new Counter({
    name: 'streamshop_kafka_retried_answers_total',
    help: 'Broker error answers the Kafka clients retried (NOT_LEADER_OR_FOLLOWER, CONCURRENT_TRANSACTIONS…), by type',
    labelNames: ['type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of options.kafkaRetriedAnswers()) this.inc({ type }, n);
    },
  });

  app.decorate('metrics', { registry, commandReply });

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label: a scanner must not create a time series per path it tries.
    const route = request.routeOptions.url ?? 'unmatched';
    httpDuration.observe(
      { route, method: request.method, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

export const metricsPlugin = fp(metrics, { name: 'metrics' });
