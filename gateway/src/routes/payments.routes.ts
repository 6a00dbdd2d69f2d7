/**
 * Checkout of an order's payment: start it with the order's provider (a Stripe client secret or a PayPal approval
 * link), capture an approved PayPal order, and — Stripe test mode only — have the provider side emit a signed
 * `payment_intent.succeeded` webhook to this gateway, as the Stripe CLI does. The amount is always the order's, as
 * the order decider requested it; the client names nothing but the provider.
 *
 * The provider object handed to the shopper (the PaymentIntent behind the client secret, the PayPal order behind the
 * approval link) is recorded on the payment (RecordProviderCheckout) and its reply awaited before the answer: the
 * Payment decider accepts a capture only on a recorded reference, so the shopper must not be able to pay one that
 * is not recorded yet. Not recorded in time → 503, retry (the same object comes back, and recording it is a no-op).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type CheckoutStart, providerCheckoutRecorded } from '@streamshop/payment-service/providers';
import type { Order } from '@streamshop/projections/queries';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { providerProblem } from '../adapters/payment-providers.ts';
import type { GatewayContext } from '../app.ts';
import { bearerAuth, principalOf } from '../plugins/auth.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { IdParams, problems } from '../schemas/common.ts';
import { CommandAccepted } from '../schemas/orders.ts';
import { PaymentStart, PaymentStartBody } from '../schemas/payments.ts';
import { requireVisibleOrder } from './order-access.ts';
import { orderAnswer } from './orders.routes.ts';
import { isStripeTestMode } from './session.routes.ts';

/** Where the shopper's browser is: its Origin when CORS allows it, else this gateway (which serves the storefront). */
function storefrontOrigin(request: FastifyRequest, ctx: GatewayContext): string {
  const origin = request.headers.origin;
  if (origin && ctx.config.gateway.corsOrigins.includes(origin)) return origin;
  return ctx.publicUrl?.() ?? `${request.protocol}://${request.host}`;
}

/** The order's open payment, or 409: not requested yet (stock still being reserved), already paid, or failed. */
function payableRequest(order: Order, provider: 'stripe' | 'paypal') {
  const payment = order.payment;
  if (!payment || order.status === 'placed' || order.status === 'reserved') {
    throw new HttpProblem(
      409,
      'payment_not_ready',
      `order ${order.id} is ${order.status}; its payment is not requested yet`,
    );
  }
  if (payment.status === 'paid') throw new HttpProblem(409, 'order_already_paid', `order ${order.id} is paid`);
  if (order.status !== 'payment_requested') {
    throw new HttpProblem(409, 'order_not_payable', `order ${order.id} is ${order.status}`);
  }
  if (payment.provider !== provider) {
    throw new HttpProblem(
      409,
      'provider_mismatch',
      `order ${order.id} is paid with ${payment.provider}, not ${provider}`,
    );
  }
  return { paymentId: payment.paymentId, orderId: order.id, amount: payment.amount };
}

export const paymentsRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { queries, paymentProviders } = ctx;
  const commandLimit = { max: ctx.config.gateway.rateLimit.commandsPerMinute, timeWindow: 60_000 };

  /** The provider object recorded on the payment, decided (not only sent), before the shopper is given it. */
  async function recordCheckout(
    input: { paymentId: string; orderId: string },
    provider: 'stripe' | 'paypal',
    providerReference: string,
  ): Promise<void> {
    const payment = { paymentId: input.paymentId, correlationId: input.orderId, causationId: null };
    const value = providerCheckoutRecorded(payment, provider, providerReference, Date.now());
    const result = await app.sendCommand({ type: 'streamshop.payments.RecordProviderCheckout', value });
    if (result.outcome === 'accepted') return;
    if (result.outcome === 'rejected') {
      ctx.logger.error({ ...input, provider, providerReference, code: result.code }, 'checkout not recorded');
    }
    throw new HttpProblem(503, 'checkout_not_recorded', 'the payment could not be prepared yet; retry shortly', {
      headers: { 'retry-after': '2' },
    });
  }

  app.post(
    '/api/orders/:id/payment',
    {
      config: { auth: 'user', rateLimit: commandLimit },
      schema: {
        tags: ['payments'],
        summary: 'Start paying an order: a Stripe client secret or a PayPal approval link',
        security: bearerAuth,
        params: IdParams,
        body: PaymentStartBody,
        response: { 200: PaymentStart, ...problems(400, 401, 404, 409, 429, 502, 503) },
      },
    },
    async (request) => {
      const order = await requireVisibleOrder(queries, request.params.id, principalOf(request));
      const input = payableRequest(order, request.body.provider);
      let start: CheckoutStart;
      try {
        if (request.body.provider === 'stripe') start = await paymentProviders.stripe.startCheckout(input);
        else {
          // PayPal sends the shopper back to the order page, appending ?token=<paypalOrderId>&PayerID=….
          const page = `${storefrontOrigin(request, ctx)}/orders/${encodeURIComponent(order.id)}`;
          start = await paymentProviders.paypal.startCheckout({
            ...input,
            returnUrl: `${page}?paypal=approved`,
            cancelUrl: `${page}?paypal=cancelled`,
          });
        }
      } catch (err) {
        request.log.warn({ err, orderId: order.id, provider: request.body.provider }, 'provider checkout failed');
        throw providerProblem(err, request.body.provider);
      }
      await recordCheckout(
        input,
        start.provider,
        start.provider === 'stripe' ? start.paymentIntentId : start.paypalOrderId,
      );
      return start;
    },
  );

  if (isStripeTestMode(ctx) && paymentProviders.stripe.testMode) {
    app.post(
      '/api/orders/:id/payment/stripe/test-succeed',
      {
        config: { auth: 'user', rateLimit: commandLimit },
        schema: {
          tags: ['payments'],
          summary: 'Stripe test mode: emit a signed payment_intent.succeeded webhook for the order (as the Stripe CLI)',
          security: bearerAuth,
          params: IdParams,
          response: {
            202: Type.Object({ orderId: Type.String(), status: Type.Literal('webhook_sent') }),
            ...problems(400, 401, 404, 409, 502, 503),
          },
        },
      },
      async (request, reply) => {
        const order = await requireVisibleOrder(queries, request.params.id, principalOf(request));
        const input = payableRequest(order, 'stripe');
        const base = ctx.publicUrl?.() ?? `${request.protocol}://${request.host}`;
        let paymentIntentId: string;
        try {
          ({ paymentIntentId } = await paymentProviders.stripe.startCheckout(input));
        } catch (err) {
          request.log.warn({ err, orderId: order.id }, 'provider checkout failed');
          throw providerProblem(err, 'stripe');
        }
        // What the shopper would pay is recorded first, as at checkout: the webhook below reports this intent paid.
        await recordCheckout(input, 'stripe', paymentIntentId);
        try {
          await paymentProviders.stripe.simulateSucceeded({
            ...input,
            paymentIntentId,
            webhookUrl: `${base}/webhooks/stripe`,
          });
        } catch (err) {
          request.log.error({ err, orderId: order.id }, 'test-mode webhook not delivered');
          throw providerProblem(err, 'stripe');
        }
        return reply.code(202).send({ orderId: order.id, status: 'webhook_sent' as const });
      },
    );
  }

  app.post(
    '/api/orders/:id/payment/paypal/capture',
    {
      config: { auth: 'user', rateLimit: commandLimit },
      schema: {
        tags: ['payments'],
        summary: 'Capture the PayPal order the shopper approved; recorded on the payment',
        security: bearerAuth,
        params: IdParams,
        body: Type.Object(
          { paypalOrderId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) },
          { additionalProperties: false },
        ),
        response: { 202: CommandAccepted, ...problems(400, 401, 404, 409, 422, 429, 502, 503) },
      },
    },
    async (request, reply) => {
      const order = await requireVisibleOrder(queries, request.params.id, principalOf(request));
      const input = payableRequest(order, 'paypal');
      let value: Awaited<ReturnType<typeof paymentProviders.paypal.capture>>;
      try {
        value = await paymentProviders.paypal.capture(
          { ...input, paypalOrderId: request.body.paypalOrderId },
          Date.now(),
        );
      } catch (err) {
        request.log.warn({ err, orderId: order.id }, 'PayPal capture failed');
        throw providerProblem(err, 'paypal');
      }
      const result = await app.sendCommand({ type: 'streamshop.payments.RecordProviderEvent', value });
      // The reply is about the payment aggregate (its version is not the order's); the client follows the order.
      const { orderId, status } = app.answerCommand(reply, result, orderAnswer(order.id));
      return { orderId, status };
    },
  );
};
