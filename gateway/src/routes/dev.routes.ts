/**
 * Dev sign-in (registered only in dev mode: no Clerk keys and not production). Lists the demo users and issues them
 * session tokens of Clerk's shape, which the gateway then verifies like real ones. Logins are rate-limited hard.
 *
 * The dev signer plays Clerk, so it also plays Clerk's `user.created` webhook: a sign-in records the demo user's
 * profile through the user service (RecordClerkUserEvent), as a Clerk deployment's webhook would, so the users read
 * model (the back office's customers) knows the demo users. The command is the same at every sign-in (its Svix id
 * and sent-at are fixed per user), so the User decider records it once.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { clerkUserCommand } from '../adapters/webhook-inbox.ts';
import type { GatewayContext } from '../app.ts';
import { DEV_USERS, type DevUser as DemoUser } from '../auth/dev-signer.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { problems } from '../schemas/common.ts';
import { DevLogin, DevLoginBody, DevUser } from '../schemas/session.ts';

/** The RecordClerkUserEvent Clerk's `user.created` webhook would give for a demo user (fixed ids: recorded once). */
export function demoUserRecorded(user: DemoUser, now: number) {
  const [first, ...rest] = user.name.split(' ');
  return clerkUserCommand(
    `dev-signer-${user.id}`,
    0,
    {
      type: 'user.created',
      data: {
        id: user.id,
        first_name: first ?? null,
        last_name: rest.join(' ') || null,
        image_url: null,
        primary_email_address_id: 'idn_demo',
        email_addresses: [{ id: 'idn_demo', email_address: user.email }],
        public_metadata: { role: user.role },
      },
    },
    now,
  );
}

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
      const profile = demoUserRecorded(user, Date.now());
      if (profile) {
        // The profile is a convenience for the back office: a sign-in never fails because Kafka is slow.
        await ctx.commands
          .send({ type: 'streamshop.users.RecordClerkUserEvent', value: profile })
          .catch((err: unknown) => request.log.warn({ err, userId: user.id }, 'demo user profile not recorded'));
      }
      const origin = request.headers.origin;
      const { token, expiresAt } = await signer.sign(user, origin ? { azp: origin } : {});
      return { token, expiresAt: expiresAt.toISOString(), user };
    },
  );
};
