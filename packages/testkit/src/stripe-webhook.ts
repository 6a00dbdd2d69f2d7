/**
 * A `payment_intent.succeeded` webhook as Stripe POSTs it: the event JSON and its `Stripe-Signature` header, signed
 * with the endpoint secret by Stripe's own library (`webhooks.generateTestHeaderString`, what the Stripe CLI uses),
 * so tests exercise the gateway's real verification.
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';

export interface SucceededIntent {
  paymentIntent: string;
  /** Minor units, as Stripe reports them. */
  amount: number;
  /** ISO code; Stripe sends it lower-cased. */
  currency: string;
  paymentId: string;
  orderId: string;
}

const signer = new Stripe('sk_test_testkit_signer_only');

export function stripeSucceededWebhook(
  intent: SucceededIntent,
  secret: string,
  eventId = `evt_${randomUUID().replaceAll('-', '')}`,
): { payload: string; signature: string } {
  const payload = JSON.stringify({
    id: eventId,
    object: 'event',
    type: 'payment_intent.succeeded',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: intent.paymentIntent,
        object: 'payment_intent',
        amount: intent.amount,
        amount_received: intent.amount,
        currency: intent.currency.toLowerCase(),
        status: 'succeeded',
        metadata: { paymentId: intent.paymentId, orderId: intent.orderId },
      },
    },
  });
  return { payload, signature: signer.webhooks.generateTestHeaderString({ payload, secret }) };
}
