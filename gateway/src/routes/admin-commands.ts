/**
 * What every back-office command route shares: admins only, the command rate limit, a required Idempotency-Key,
 * the problems every such route can answer, and the OpenAPI tag. The admin-catalog, admin-stock and admin-orders
 * route files spread `adminCommand(ctx, …)` into their route options.
 *
 * A body-less POST (archive, deliver… sent without a body) is read as `{}`, so the body schema decides what is
 * missing, the same way for every route.
 */
import type { FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { GatewayContext } from '../app.ts';
import { bearerAuth } from '../plugins/auth.ts';
import { AdminIdempotencyHeaders } from '../schemas/admin-commands.ts';
import { type Problem, problems } from '../schemas/common.ts';

async function emptyBodyAsObject(request: FastifyRequest) {
  if (request.body === undefined || request.body === null) request.body = {};
}

export function adminCommand<P extends TSchema, B extends TSchema, R extends TSchema>(
  ctx: GatewayContext,
  schema: { summary: string; params: P; body: B; accepted: R; problems: Record<number, typeof Problem> },
) {
  return {
    config: {
      auth: 'admin' as const,
      rateLimit: { max: ctx.config.gateway.rateLimit.commandsPerMinute, timeWindow: 60_000 },
    },
    preValidation: emptyBodyAsObject,
    schema: {
      tags: ['admin'],
      summary: schema.summary,
      security: bearerAuth,
      headers: AdminIdempotencyHeaders,
      params: schema.params,
      body: schema.body,
      response: { 202: schema.accepted, ...problems(400, 401, 403, 429, 503), ...schema.problems },
    },
  };
}
