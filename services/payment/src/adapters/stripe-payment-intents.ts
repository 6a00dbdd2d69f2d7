/**
 * The payment service's effect on Stripe: for every PaymentRequested with provider `stripe` (read_committed, so
 * only payments that really were decided), create the payment's PaymentIntent through the Stripe provider — the
 * same call the gateway's checkout makes, so both get the one intent (idempotency key = payment id, metadata
 * {paymentId, orderId} for the webhooks). PayPal orders are created at checkout only: they need the shopper's
 * return URL.
 *
 * Delivery is at least once (see provider-effects.ts), which the idempotency key makes safe: a repeat returns the
 * same PaymentIntent instead of creating a second one. A request Stripe refuses for good (4xx other than 429) is
 * recorded as a failed payment through RecordProviderEvent, so the order is cancelled at once instead of at its
 * deadline.
 *
 * The intent's id is recorded on the payment (RecordProviderCheckout → PaymentCheckoutStarted): the Payment decider
 * accepts a capture only on a PaymentIntent recorded for it, so a signed webhook about any other intent of the
 * account cannot pay the order.
 */

import type { ScheduledCommand } from '@streamshop/command-service';
import { deterministicId, type Runnable } from '@streamshop/eventsourcing-kafka';
import type { PaymentRequested, RecordProviderEvent } from '@streamshop/schemas/types';
import { PaymentProviderError, providerCheckoutRecorded, type StripeProvider } from '../providers/index.ts';
import { createProviderEffects, type ProviderEffectsOptions } from './provider-effects.ts';

/** The command recording that Stripe refused to create the PaymentIntent (one per payment: a repeat is a no-op). */
export function paymentRequestFailed(
  requested: PaymentRequested,
  reason: string,
  now: number,
  commandsTopic: string,
): ScheduledCommand {
  const paymentId = requested.aggregateId;
  const value: RecordProviderEvent = {
    commandId: deterministicId('payment-intent-refused', paymentId),
    aggregateId: paymentId,
    idempotencyKey: null,
    issuedAt: now,
    correlationId: requested.correlationId,
    causationId: requested.eventId,
    providerEventId: `request_failed:${paymentId}`,
    kind: 'failed',
    providerReference: '',
    amount: null,
    failureReason: reason,
  };
  return { topic: commandsTopic, key: paymentId, type: 'streamshop.payments.RecordProviderEvent', value };
}

export function createStripeEffects(
  options: ProviderEffectsOptions & { stripe: Pick<StripeProvider, 'startCheckout'> },
): Runnable {
  const { stripe } = options;
  return createProviderEffects({
    ...options,
    adapter: 'stripe-payment-intents',
    async effect(event, { log, send, untilAnswered }) {
      if (event.type !== 'streamshop.payments.PaymentRequested') return;
      if (event.value.provider !== 'stripe') return; // PayPal orders are created at checkout
      const requested = event.value;
      const paymentId = requested.aggregateId;
      try {
        const intent = await untilAnswered('creating the PaymentIntent', { paymentId }, () =>
          stripe.startCheckout({ paymentId, orderId: requested.orderId, amount: requested.amount }),
        );
        const recorded = { paymentId, correlationId: requested.correlationId, causationId: requested.eventId };
        await send({
          topic: options.commandsTopic,
          key: paymentId,
          type: 'streamshop.payments.RecordProviderCheckout',
          value: providerCheckoutRecorded(recorded, 'stripe', intent.paymentIntentId, Date.now()),
        });
        log.info(
          { paymentId, orderId: requested.orderId, paymentIntent: intent.paymentIntentId },
          'PaymentIntent created and recorded',
        );
      } catch (err) {
        if (!(err instanceof PaymentProviderError)) throw err;
        log.error({ paymentId, err }, 'Stripe refused the PaymentIntent; recording the payment as failed');
        await send(paymentRequestFailed(requested, err.providerCode ?? err.code, Date.now(), options.commandsTopic));
      }
    },
  });
}
