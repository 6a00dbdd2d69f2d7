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
  extra: { amount?: { amount: number; currency: string } | null; failureReason?: string | null } = {},
) =>
  command('streamshop.payments.RecordProviderEvent', {
    providerEventId,
    kind,
    providerReference: 'pi_1',
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

  it('records a capture, after authorization or straight away, with the requested amount by default', () => {
    payment([requested, authorized]).when(providerEvent('captured', 'evt_capt')).then([captured]);
    payment([requested])
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
    payment([requested, failed]).when(providerEvent('captured', 'evt_capt')).then([captured]);
  });

  it('records a refund, of what remains captured by default', () => {
    payment([requested, captured])
      .when(providerEvent('refunded', 'evt_ref', { amount: eur(1500) }))
      .then([
        {
          type: 'streamshop.payments.PaymentRefunded',
          value: { orderId: ORDER, providerEventId: 'evt_ref', amount: eur(1500) },
        },
      ]);
    const partly: PaymentEventDraft = {
      type: 'streamshop.payments.PaymentRefunded',
      value: { orderId: ORDER, providerEventId: 'evt_ref', amount: eur(1500) },
    };
    payment([requested, captured, partly])
      .when(providerEvent('refunded', 'evt_ref2'))
      .then([
        {
          type: 'streamshop.payments.PaymentRefunded',
          value: { orderId: ORDER, providerEventId: 'evt_ref2', amount: eur(3500) },
        },
      ]);
  });

  it('deduplicates by provider event id: a repeat yields no events, not a rejection', () => {
    payment([requested, authorized]).when(providerEvent('authorized', 'evt_auth')).then([]);
    payment([requested, captured]).when(providerEvent('captured', 'evt_capt')).then([]);
    payment([requested, failed]).when(providerEvent('captured', 'evt_fail')).then([]);
    payment([
      requested,
      captured,
      {
        type: 'streamshop.payments.PaymentRefunded',
        value: { orderId: ORDER, providerEventId: 'evt_ref', amount: eur(100) },
      },
    ])
      .when(providerEvent('refunded', 'evt_ref', { amount: eur(100) }))
      .then([]);
  });

  it('records nothing for a report that arrives after a later state', () => {
    payment([requested, captured]).when(providerEvent('authorized', 'evt_auth_late')).then([]);
    payment([requested, captured]).when(providerEvent('failed', 'evt_fail_late')).then([]);
    payment([requested, captured]).when(providerEvent('captured', 'evt_capt_2')).then([]);
    payment([requested, failed]).when(providerEvent('failed', 'evt_fail_2')).then([]);
  });

  it('rejects a refund report on a payment that was never captured', () => {
    payment([requested]).when(providerEvent('refunded', 'evt_ref')).thenRejects('payment_not_captured');
  });

  it('rejects an unknown payment', () => {
    payment().when(providerEvent('captured', 'evt_capt')).thenRejects('payment_not_found');
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
        value: { orderId: ORDER, providerEventId: 'evt_dashboard', amount: eur(4000) },
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
