import { given } from '@streamshop/decider/testing';
import type {
  CommandEnvelope,
  PaymentsCommand,
  PaymentsCommandName,
  ProviderEventKind,
  RecordTypes,
} from '@streamshop/schemas/types';
import { describe, it } from 'vitest';
import { type PaymentEventDraft, paymentDecider } from './payment.decider.ts';

const PAYMENT = 'payment-1';
const ORDER = 'order-1';

function command<N extends PaymentsCommandName>(type: N, payload: Omit<RecordTypes[N], keyof CommandEnvelope>) {
  const envelope: CommandEnvelope = {
    commandId: '00000000-0000-4000-8000-000000000001',
    aggregateId: PAYMENT,
    idempotencyKey: null,
    issuedAt: 1_700_000_000_000,
    correlationId: 'corr-1',
    causationId: null,
  };
  return { type, value: { ...envelope, ...payload } } as unknown as PaymentsCommand;
}

const payment = (events: PaymentEventDraft[] = []) => given(paymentDecider, events);
const eur = (amount: number) => ({ amount, currency: 'EUR' });

const requested: PaymentEventDraft = {
  type: 'streamshop.payments.PaymentRequested',
  value: { orderId: ORDER, provider: 'stripe', amount: eur(5000) },
};
/** The PaymentIntent created for the payment, recorded before the shopper could pay it. */
const checkout = (providerReference = 'pi_1'): PaymentEventDraft => ({
  type: 'streamshop.payments.PaymentCheckoutStarted',
  value: { orderId: ORDER, provider: 'stripe', providerReference },
});
const started = checkout();
const authorized: PaymentEventDraft = {
  type: 'streamshop.payments.PaymentAuthorized',
  value: { orderId: ORDER, providerEventId: 'evt_auth', providerReference: 'pi_1', amount: eur(5000) },
};
const captured: PaymentEventDraft = {
  type: 'streamshop.payments.PaymentCaptured',
  value: { orderId: ORDER, providerEventId: 'evt_capt', providerReference: 'pi_1', amount: eur(5000) },
};
const failed: PaymentEventDraft = {
  type: 'streamshop.payments.PaymentFailed',
  value: { orderId: ORDER, providerEventId: 'evt_fail', reason: 'card_declined' },
};

const providerEvent = (
  kind: ProviderEventKind,
  providerEventId: string,
  extra: {
    amount?: { amount: number; currency: string } | null;
    failureReason?: string | null;
    providerReference?: string;
  } = {},
) =>
  command('streamshop.payments.RecordProviderEvent', {
    providerEventId,
    kind,
    providerReference: extra.providerReference ?? 'pi_1',
    amount: extra.amount ?? null,
    failureReason: extra.failureReason ?? null,
  });

describe('RequestPayment', () => {
  const request = (amount = eur(5000)) =>
    command('streamshop.payments.RequestPayment', { orderId: ORDER, provider: 'stripe', amount });

  it('starts a payment', () => {
    payment().when(request()).then([requested]);
  });

  it('rejects a second request for the same payment', () => {
    payment([requested]).when(request()).thenRejects('payment_already_exists');
  });

  it('rejects a non-positive amount or a malformed currency', () => {
    payment()
      .when(request(eur(0)))
      .thenRejects('invalid_amount', /positive/);
    payment()
      .when(request({ amount: 100, currency: 'eur' }))
      .thenRejects('invalid_amount', /ISO 4217/);
  });
});

describe('RecordProviderEvent', () => {
  it('records an authorization', () => {
    payment([requested]).when(providerEvent('authorized', 'evt_auth')).then([authorized]);
  });

  it('records a capture of a recorded reference for exactly the requested amount, after authorization or not', () => {
    payment([requested, started, authorized])
      .when(providerEvent('captured', 'evt_capt', { amount: eur(5000) }))
      .then([captured]);
    payment([requested, started])
      .when(providerEvent('captured', 'evt_capt', { amount: eur(5000) }))
      .then([captured]);
  });

  it('records a failure with the provider code, or payment_failed when it gives none', () => {
    payment([requested])
      .when(providerEvent('failed', 'evt_fail', { failureReason: 'card_declined' }))
      .then([failed]);
    payment([requested, authorized])
      .when(providerEvent('failed', 'evt_fail'))
      .then([
        {
          type: 'streamshop.payments.PaymentFailed',
          value: { orderId: ORDER, providerEventId: 'evt_fail', reason: 'payment_failed' },
        },
      ]);
  });

  it('records a capture after a failure (the shopper retried)', () => {
    payment([requested, started, failed])
      .when(providerEvent('captured', 'evt_capt', { amount: eur(5000) }))
      .then([captured]);
  });

  it('records a refund, of what remains captured by default', () => {
    payment([requested, captured])
      .when(providerEvent('refunded', 'evt_ref', { amount: eur(1500) }))
      .then([
        {
          type: 'streamshop.payments.PaymentRefunded',
          value: { orderId: ORDER, providerEventId: 'evt_ref', amount: eur(1500), mismatch: false },
        },
      ]);
    const partly: PaymentEventDraft = {
      type: 'streamshop.payments.PaymentRefunded',
      value: { orderId: ORDER, providerEventId: 'evt_ref', amount: eur(1500), mismatch: false },
    };
    payment([requested, captured, partly])
      .when(providerEvent('refunded', 'evt_ref2'))
      .then([
        {
          type: 'streamshop.payments.PaymentRefunded',
          value: { orderId: ORDER, providerEventId: 'evt_ref2', amount: eur(3500), mismatch: false },
        },
      ]);
  });

  it('deduplicates by provider event id: a repeat yields no events, not a rejection', () => {
    payment([requested, authorized]).when(providerEvent('authorized', 'evt_auth')).then([]);
    payment([requested, started, captured])
      .when(providerEvent('captured', 'evt_capt', { amount: eur(5000) }))
      .then([]);
    payment([requested, started, failed])
      .when(providerEvent('captured', 'evt_fail', { amount: eur(5000) }))
      .then([]);
    payment([
      requested,
      captured,
      {
        type: 'streamshop.payments.PaymentRefunded',
        value: { orderId: ORDER, providerEventId: 'evt_ref', amount: eur(100), mismatch: false },
      },
    ])
      .when(providerEvent('refunded', 'evt_ref', { amount: eur(100) }))
      .then([]);
  });

  it('records nothing for a report that arrives after a later state', () => {
    payment([requested, captured]).when(providerEvent('authorized', 'evt_auth_late')).then([]);
    payment([requested, captured]).when(providerEvent('failed', 'evt_fail_late')).then([]);
    payment([requested, started, captured])
      .when(providerEvent('captured', 'evt_capt_2', { amount: eur(5000) }))
      .then([]);
    payment([requested, failed]).when(providerEvent('failed', 'evt_fail_2')).then([]);
  });

  it('rejects a refund report on a payment that was never captured', () => {
    payment([requested]).when(providerEvent('refunded', 'evt_ref')).thenRejects('payment_not_captured');
  });

  it('rejects an unknown payment', () => {
    payment().when(providerEvent('captured', 'evt_capt')).thenRejects('payment_not_found');
  });
});

describe('RecordProviderCheckout', () => {
  const record = (providerReference: string, provider: 'stripe' | 'paypal' = 'stripe') =>
    command('streamshop.payments.RecordProviderCheckout', { provider, providerReference });

  it('records each provider object of the payment once (PayPal orders over retries: the set)', () => {
    payment([requested]).when(record('pi_1')).then([started]);
    payment([requested, started]).when(record('pi_1')).then([]);
    payment([requested, started])
      .when(record('pi_2'))
      .then([checkout('pi_2')]);
  });

  it('rejects another provider, an empty reference, an unknown payment', () => {
    payment([requested]).when(record('PAYPAL-1', 'paypal')).thenRejects('provider_mismatch');
    payment([requested]).when(record(' ')).thenRejects('invalid_reference');
    payment().when(record('pi_1')).thenRejects('payment_not_found');
  });
});

describe('a capture that is not the payment’s: a mismatch, refunded, never captured', () => {
  const usd = (amount: number) => ({ amount, currency: 'USD' });
  const detected = (
    reason: 'unknown_reference' | 'amount_mismatch' | 'currency_mismatch' | 'duplicate_capture',
    amount: { amount: number; currency: string } | null,
    providerReference = 'pi_1',
    providerEventId = 'evt_odd',
  ): PaymentEventDraft => ({
    type: 'streamshop.payments.PaymentMismatchDetected',
    value: { orderId: ORDER, providerEventId, providerReference, amount, reason },
  });
  const mismatchRefund = (
    amount: { amount: number; currency: string },
    providerReference = 'pi_1',
  ): PaymentEventDraft => ({
    type: 'streamshop.payments.PaymentRefundRequested',
    value: {
      orderId: ORDER,
      amount,
      reason: 'payment_mismatch',
      provider: 'stripe',
      providerReference,
      mismatch: true,
    },
  });
  const odd = (amount: { amount: number; currency: string } | null, providerReference = 'pi_1') =>
    providerEvent('captured', 'evt_odd', { amount, providerReference });

  it('unknown reference: 1 US cent on an unrelated PaymentIntent', () => {
    payment([requested, started])
      .when(odd(usd(1), 'pi_unrelated'))
      .then([detected('unknown_reference', usd(1), 'pi_unrelated'), mismatchRefund(usd(1), 'pi_unrelated')]);
    // No reference recorded yet at all (the PaymentIntent's creation not recorded): nothing can match.
    payment([requested])
      .when(odd(eur(5000)))
      .then([detected('unknown_reference', eur(5000)), mismatchRefund(eur(5000))]);
  });

  it('wrong amount on the recorded reference, or no amount at all (nothing known to refund)', () => {
    payment([requested, started])
      .when(odd(eur(4999)))
      .then([detected('amount_mismatch', eur(4999)), mismatchRefund(eur(4999))]);
    payment([requested, started])
      .when(odd(null))
      .then([detected('amount_mismatch', null)]);
  });

  it('wrong currency on the recorded reference', () => {
    payment([requested, started])
      .when(odd(usd(5000)))
      .then([detected('currency_mismatch', usd(5000)), mismatchRefund(usd(5000))]);
  });

  it('a second capture on another recorded reference, once paid: money taken twice', () => {
    payment([requested, started, checkout('pi_2'), captured])
      .when(odd(eur(5000), 'pi_2'))
      .then([detected('duplicate_capture', eur(5000), 'pi_2'), mismatchRefund(eur(5000), 'pi_2')]);
  });

  it('a duplicate report of a mismatch is a no-op, and a right capture on another reference is recorded after it', () => {
    const after = [requested, started, detected('amount_mismatch', eur(1)), mismatchRefund(eur(1))];
    payment(after)
      .when(odd(eur(1)))
      .then([]);
    // The same capture reported under another event id (PayPal: our capture call, then its webhook): refunded once.
    payment(after)
      .when(providerEvent('captured', 'WH-1', { amount: eur(5000) }))
      .then([]);
    payment([...after, checkout('pi_2')])
      .when(providerEvent('captured', 'evt_capt', { amount: eur(5000), providerReference: 'pi_2' }))
      .then([{ ...captured, value: { ...captured.value, providerReference: 'pi_2' } } as PaymentEventDraft]);
  });

  it('the mismatch refund is recorded apart: it neither needs a capture nor uses up the real one', () => {
    const unknown = [
      requested,
      started,
      detected('unknown_reference', usd(1), 'pi_unrelated'),
      mismatchRefund(usd(1), 'pi_unrelated'),
    ];
    const refundedMismatch: PaymentEventDraft = {
      type: 'streamshop.payments.PaymentRefunded',
      value: { orderId: ORDER, providerEventId: 're_odd', amount: usd(1), mismatch: true },
    };
    payment(unknown)
      .when(providerEvent('refunded', 're_odd', { amount: usd(1), providerReference: 'pi_unrelated' }))
      .then([refundedMismatch]);
    payment([...unknown, refundedMismatch, captured])
      .when(command('streamshop.payments.RefundPayment', { amount: eur(5000), reason: 'order_cancelled' }))
      .then([
        {
          type: 'streamshop.payments.PaymentRefundRequested',
          value: {
            orderId: ORDER,
            amount: eur(5000),
            reason: 'order_cancelled',
            provider: 'stripe',
            providerReference: 'pi_1',
            mismatch: false,
          },
        },
      ]);
    // … and the real refunds stay capped at captured minus refunded.
    payment([requested, started, detected('amount_mismatch', eur(100)), mismatchRefund(eur(100)), captured])
      .when(command('streamshop.payments.RefundPayment', { amount: eur(5001), reason: 'order_cancelled' }))
      .thenRejects('refund_exceeds_captured');
  });
});

describe('RefundPayment', () => {
  const refund = (amount: { amount: number; currency: string }) =>
    command('streamshop.payments.RefundPayment', { amount, reason: 'order_cancelled' });
  const refundRequested = (amount: number): PaymentEventDraft => ({
    type: 'streamshop.payments.PaymentRefundRequested',
    value: {
      orderId: ORDER,
      amount: eur(amount),
      reason: 'order_cancelled',
      provider: 'stripe',
      providerReference: 'pi_1',
      mismatch: false,
    },
  });

  it('names the provider and the capture to refund, as the provider reported it', () => {
    const capturedAs = (providerReference: string): PaymentEventDraft => ({
      type: 'streamshop.payments.PaymentCaptured',
      value: { orderId: ORDER, providerEventId: 'evt_capt', providerReference, amount: eur(5000) },
    });
    payment([requested, capturedAs('pi_from_the_webhook')])
      .when(refund(eur(1000)))
      .then([
        {
          type: 'streamshop.payments.PaymentRefundRequested',
          value: {
            orderId: ORDER,
            amount: eur(1000),
            reason: 'order_cancelled',
            provider: 'stripe',
            providerReference: 'pi_from_the_webhook',
            mismatch: false,
          },
        },
      ]);
  });

  it('asks the provider to refund (part of) what was captured', () => {
    payment([requested, captured])
      .when(refund(eur(2000)))
      .then([refundRequested(2000)]);
    payment([requested, captured, refundRequested(2000)])
      .when(refund(eur(3000)))
      .then([refundRequested(3000)]);
  });

  it('rejects more than was captured, counting earlier refunds', () => {
    payment([requested, captured])
      .when(refund(eur(5001)))
      .thenRejects('refund_exceeds_captured');
    payment([requested, captured, refundRequested(2000)])
      .when(refund(eur(3001)))
      .thenRejects('refund_exceeds_captured');
    payment([
      requested,
      captured,
      {
        type: 'streamshop.payments.PaymentRefunded',
        value: { orderId: ORDER, providerEventId: 'evt_dashboard', amount: eur(4000), mismatch: false },
      },
    ])
      .when(refund(eur(1001)))
      .thenRejects('refund_exceeds_captured');
  });

  it('rejects a payment that is not captured', () => {
    payment([requested])
      .when(refund(eur(100)))
      .thenRejects('payment_not_captured');
    payment([requested, failed])
      .when(refund(eur(100)))
      .thenRejects('payment_not_captured');
  });

  it('rejects a non-positive amount or another currency', () => {
    payment([requested, captured])
      .when(refund(eur(0)))
      .thenRejects('invalid_amount');
    payment([requested, captured])
      .when(refund({ amount: 100, currency: 'USD' }))
      .thenRejects('currency_mismatch');
  });

  it('rejects an unknown payment', () => {
    payment()
      .when(refund(eur(100)))
      .thenRejects('payment_not_found');
  });
});
