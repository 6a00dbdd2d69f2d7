/**
 * `/health`: the process is up (liveness; no dependency is asked). `/ready`: Kafka, MongoDB and Redis answer, and the
 * reply consumer is assigned — each with its own status and latency, 503 if any is down (readiness: take this
 * instance out of the load balancer, do not restart it).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { GatewayContext } from '../app.ts';

const CHECK_TIMEOUT_MS = 2_000;

const Check = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  latencyMs: Type.Number(),
  error: Type.Optional(Type.String()),
});
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Record(Type.String(), Check),
});

async function check(fn: () => Promise<unknown>) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' as const, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      status: 'down' as const,
      latencyMs: Math.round(performance.now() - started),
      error: (err as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['ops'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['ops'],
        summary: 'Readiness: Kafka, MongoDB and Redis reachable, reply consumer assigned',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const [kafka, mongo, redis] = await Promise.all([
        check(() => ctx.commands.ping()),
        check(() => ctx.db.command({ ping: 1 })),
        check(() => ctx.redis.ping()),
      ]);
      const replies = ctx.replies.ready
        ? { status: 'up' as const, latencyMs: 0 }
        : { status: 'down' as const, latencyMs: 0, error: 'reply consumer not assigned' };
      const checks = { kafka, mongo, redis, replies };
      const ready = Object.values(checks).every((c) => c.status === 'up');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );
};
