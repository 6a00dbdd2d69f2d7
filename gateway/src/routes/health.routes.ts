/**
 * `/health`: the process is up (liveness; no dependency is asked). `/ready`: Kafka, MongoDB and Redis answer, and the
 * reply consumer is assigned — each with its own status and latency, 503 if any is down (readiness: take this
 * instance out of the load balancer, do not restart it). A check that fails answers a stable code (`unreachable`,
 * `timeout`, `not_assigned`), never the client library's text, which names hosts, ports and versions; the text is
 * logged for the operator.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import type { GatewayContext } from '../app.ts';

const CHECK_TIMEOUT_MS = 2_000;

const CheckCode = Type.Union([Type.Literal('unreachable'), Type.Literal('timeout'), Type.Literal('not_assigned')]);
const Check = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  latencyMs: Type.Number(),
  code: Type.Optional(CheckCode),
});
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Record(Type.String(), Check),
});

export type CheckResult =
  | { status: 'up'; latencyMs: number }
  | { status: 'down'; latencyMs: number; code: 'unreachable' | 'timeout' | 'not_assigned' };

/** Asks one dependency with a deadline; a failure is logged with its detail and answered as a stable code. */
export async function checkDependency(
  name: string,
  fn: () => Promise<unknown>,
  log: FastifyBaseLogger,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timedOut = Symbol('timeout');
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      fn(),
      new Promise<typeof timedOut>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), timeoutMs);
      }),
    ]);
    if (outcome === timedOut) {
      log.warn({ check: name, timeoutMs }, 'readiness check timed out');
      return { status: 'down', latencyMs: elapsed(), code: 'timeout' };
    }
    return { status: 'up', latencyMs: elapsed() };
  } catch (err) {
    log.warn({ check: name, err }, 'readiness check failed');
    return { status: 'down', latencyMs: elapsed(), code: 'unreachable' };
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
    async (request, reply) => {
      const [kafka, mongo, redis] = await Promise.all([
        checkDependency('kafka', () => ctx.commands.ping(), request.log),
        checkDependency('mongo', () => ctx.db.command({ ping: 1 }), request.log),
        checkDependency('redis', () => ctx.redis.ping(), request.log),
      ]);
      const replies: CheckResult = ctx.replies.ready
        ? { status: 'up', latencyMs: 0 }
        : { status: 'down', latencyMs: 0, code: 'not_assigned' };
      const checks = { kafka, mongo, redis, replies };
      const ready = Object.values(checks).every((c) => c.status === 'up');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );
};
