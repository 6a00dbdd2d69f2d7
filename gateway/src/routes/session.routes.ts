/** `/api/config` (public: how the storefront signs in and pays) and `/api/me` (the signed-in caller). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { GatewayContext } from '../app.ts';
import { bearerAuth, principalOf } from '../plugins/auth.ts';
import { problems } from '../schemas/common.ts';
import { Me, PublicConfig } from '../schemas/session.ts';

export const sessionRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { config } = ctx;
  app.get(
    '/api/config',
    {
      schema: {
        tags: ['session'],
        summary: 'Public configuration for the storefront',
        response: { 200: PublicConfig },
      },
    },
    async () => ({
      auth: ctx.verifier.mode,
      ...(config.clerk.publishableKey ? { clerkPublishableKey: config.clerk.publishableKey } : {}),
      ...(config.stripe.publishableKey ? { stripePublishableKey: config.stripe.publishableKey } : {}),
      stripeTestMode: isStripeTestMode(ctx),
      ...(config.paypal?.clientId ? { paypalClientId: config.paypal.clientId } : {}),
      currency: 'EUR' as const,
      maxUnitsPerSku: config.orders.maxUnitsPerSku,
    }),
  );

  app.get(
    '/api/me',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['session'],
        summary: 'The signed-in caller',
        security: bearerAuth,
        response: { 200: Me, ...problems(401) },
      },
    },
    async (request) => {
      const { id, role, name, email } = principalOf(request);
      return { id, role, ...(name ? { name } : {}), ...(email ? { email } : {}) };
    },
  );
};

/**
 * Test-mode payments (the "Pay (test mode)" button and its signed test webhook) exist only in dev mode with a Stripe
 * test key: a test key alone is not enough, since anyone holding a shopper token could then mark orders paid.
 */
export function isStripeTestMode(ctx: Pick<GatewayContext, 'config'>): boolean {
  return ctx.config.devMode && ctx.config.env !== 'production' && ctx.config.stripe.secretKey.startsWith('sk_test_');
}
