/**
 * Dev sign-in (registered only in dev mode: no Clerk keys and not production). Lists the demo users and issues them
 * session tokens of Clerk's shape, which the gateway then verifies like real ones. Logins are rate-limited hard.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { GatewayContext } from '../app.ts';
import { DEV_USERS } from '../auth/dev-signer.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { problems } from '../schemas/common.ts';
import { DevLogin, DevLoginBody, DevUser } from '../schemas/session.ts';

export const devRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const signer = ctx.devSigner;
  if (!signer) return;

  app.get(
    '/api/dev/users',
    { schema: { tags: ['session'], summary: 'Demo users (dev mode only)', response: { 200: Type.Array(DevUser) } } },
    async () => [...DEV_USERS],
  );

  app.post(
    '/api/dev/login',
    {
      config: { rateLimit: { max: ctx.config.gateway.rateLimit.loginsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['session'],
        summary: 'Sign in as a demo user (dev mode only)',
        body: DevLoginBody,
        response: { 200: DevLogin, ...problems(400, 404, 429) },
      },
    },
    async (request) => {
      const user = DEV_USERS.find((u) => u.id === request.body.userId);
      if (!user) {
        throw new HttpProblem(
          404,
          'user_not_found',
          `no demo user ${request.body.userId}; pick one of ${DEV_USERS.map((u) => u.id).join(', ')}`,
        );
      }
      const origin = request.headers.origin;
      const { token, expiresAt } = await signer.sign(user, origin ? { azp: origin } : {});
      return { token, expiresAt: expiresAt.toISOString(), user };
    },
  );
};
