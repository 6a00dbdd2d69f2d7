/**
 * The payment service's refunds: for every PaymentRefundRequested (an order cancelled after payment, an admin's
 * refund), ask the provider that captured the payment to refund it, keyed by the request's event id so a repeat
 * refunds nothing twice. When the provider answers that the refund is done, its RecordProviderEvent(refunded) is
 * sent at once (PaymentRefunded follows); a pending refund is recorded by the provider's refund webhook instead,
 * which maps to the same providerEventId, so either way it is recorded once.
 *
 * A mismatched capture (PaymentMismatchDetected: a reference never recorded for the payment, another amount or
 * currency) is logged at warn for operators, and its refund comes as a PaymentRefundRequested like any other (with
 * `mismatch`), against the reference and amount the provider reported.
 *
 * A refund the provider refuses for good (already refunded at its dashboard, too much, a closed account) cannot be
 * retried into success: it is logged at error with everything an operator needs to refund by hand, and the loop
 * goes on. Requests written before they named their provider and capture cannot be sent anywhere, and are logged so.
 */
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import type { PaymentProvider as ProviderName } from '@streamshop/schemas/types';
import { type PaymentProvider, PaymentProviderError } from '../providers/index.ts';
import { createProviderEffects, type ProviderEffectsOptions } from './provider-effects.ts';

export function createRefundEffects(
  options: ProviderEffectsOptions & { providers: Record<ProviderName, Pick<PaymentProvider, 'refund'>> },
): Runnable {
  return createProviderEffects({
    ...options,
    adapter: 'provider-refunds',
    async effect(event, { log, send, untilAnswered }) {
      if (event.type === 'streamshop.payments.PaymentMismatchDetected') {
        const { aggregateId: paymentId, orderId, providerEventId, providerReference, amount, reason } = event.value;
        log.warn(
          { paymentId, orderId, providerEventId, providerReference, amount, reason },
          amount
            ? 'payment mismatch: a capture that is not this payment’s; it does not pay the order and is being refunded'
            : 'payment mismatch: a capture with no amount; it does not pay the order; refund it by hand if money moved',
        );
        return;
      }
      if (event.type !== 'streamshop.payments.PaymentRefundRequested') return;
      const { aggregateId: paymentId, eventId, orderId, amount, reason, provider, providerReference } = event.value;
      const where = { paymentId, orderId, refundRequest: eventId, provider, providerReference, amount };
      if (!provider || !providerReference) {
        log.error(where, 'refund request names no provider capture (written by an older version); refund it by hand');
        return;
      }
      try {
        const recorded = await untilAnswered('asking the provider for a refund', where, () =>
          options.providers[provider].refund(
            { paymentId, orderId, providerReference, amount, reason, idempotencyKey: eventId },
            Date.now(),
          ),
        );
        if (recorded) {
          await send({
            topic: options.commandsTopic,
            key: paymentId,
            type: 'streamshop.payments.RecordProviderEvent',
            // The refund is recorded in the name of whoever asked for it (an admin's refund stays theirs).
            value: { ...recorded, causationId: eventId, actorId: event.value.actorId ?? null },
          });
        }
        log.info({ ...where, done: recorded !== null }, recorded ? 'refunded' : 'refund pending at the provider');
      } catch (err) {
        if (!(err instanceof PaymentProviderError)) throw err;
        log.error({ ...where, err }, 'the provider refused the refund; refund it by hand');
      }
    },
  });
}
