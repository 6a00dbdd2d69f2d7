import { CaptureStatus, type Order, OrderStatus, type Refund, RefundStatus } from '@paypal/paypal-server-sdk';
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import { describe, expect, it } from 'vitest';
import { paypalCaptureToCommand, paypalEventToCommand, paypalRefundToCommand } from './paypal.provider.ts';
import { PaymentProviderError, type PayPalWebhookEvent, type RefundRequest } from './provider.ts';

const NOW = 1_790_000_000_000;
const IDS = { paymentId: 'pay-1', orderId: 'order-1', paypalOrderId: '5O190127TN364715T' };

const REFUND: RefundRequest = {
  paymentId: 'pay-1',
  orderId: 'order-1',
  providerReference: IDS.paypalOrderId,
  amount: { amount: 1000, currency: 'EUR' },
  reason: 'damaged',
  idempotencyKey: 'refund-requested-1',
};

function webhook(
  eventType: string,
  resource: PayPalWebhookEvent['resource'],
  id = 'WH-58D329510W468432D-8HN650336L201105X',
) {
  return { id, event_type: eventType, resource_type: 'capture', resource } satisfies PayPalWebhookEvent;
}

const capture = {
  id: '3C679366HH908993F',
  status: 'COMPLETED',
  amount: { currency_code: 'EUR', value: '45.99' },
  custom_id: 'pay-1',
  invoice_id: 'order-1',
  supplementary_data: { related_ids: { order_id: '5O190127TN364715T' } },
};

describe('paypalEventToCommand', () => {
  it('records PAYMENT.CAPTURE.COMPLETED as captured, for the payment in custom_id and the order in invoice_id', () => {
    expect(paypalEventToCommand(webhook('PAYMENT.CAPTURE.COMPLETED', capture), NOW)).toEqual({
      commandId: deterministicId('paypal-webhook', 'WH-58D329510W468432D-8HN650336L201105X'),
      aggregateId: 'pay-1',
      idempotencyKey: null,
      issuedAt: NOW,
      correlationId: 'order-1',
      causationId: null,
      actorId: null,
      providerEventId: 'WH-58D329510W468432D-8HN650336L201105X',
      kind: 'captured',
      providerReference: '5O190127TN364715T',
      amount: { amount: 4599, currency: 'EUR' },
      failureReason: null,
    });
  });

  it('reads amounts in minor units, by currency', () => {
    const yen = paypalEventToCommand(
      webhook('PAYMENT.CAPTURE.COMPLETED', { ...capture, amount: { currency_code: 'JPY', value: '1500' } }),
      NOW,
    );
    expect(yen?.amount).toEqual({ amount: 1500, currency: 'JPY' });
    const whole = paypalEventToCommand(
      webhook('PAYMENT.CAPTURE.COMPLETED', { ...capture, amount: { currency_code: 'USD', value: '10' } }),
      NOW,
    );
    expect(whole?.amount).toEqual({ amount: 1000, currency: 'USD' });
  });

  it('records denied and declined captures as failed, pending ones as authorized', () => {
    expect(
      paypalEventToCommand(webhook('PAYMENT.CAPTURE.DENIED', { ...capture, status: 'DECLINED' }), NOW),
    ).toMatchObject({ kind: 'failed', failureReason: 'paypal_capture_denied', amount: null });
    expect(
      paypalEventToCommand(webhook('PAYMENT.CAPTURE.DECLINED', { ...capture, status: 'DECLINED' }), NOW),
    ).toMatchObject({ kind: 'failed', failureReason: 'paypal_capture_declined' });
    expect(
      paypalEventToCommand(
        webhook('PAYMENT.CAPTURE.PENDING', { ...capture, status: 'PENDING', status_details: { reason: 'ECHECK' } }),
        NOW,
      ),
    ).toMatchObject({ kind: 'authorized', amount: { amount: 4599, currency: 'EUR' } });
  });

  const refund = {
    id: '1Y107995YT783435V',
    status: 'COMPLETED',
    amount: { currency_code: 'EUR', value: '10.00' },
    custom_id: 'pay-1',
    invoice_id: 'order-1',
    links: [
      { href: 'https://api-m.paypal.com/v2/payments/refunds/1Y107995YT783435V', rel: 'self', method: 'GET' },
      { href: 'https://api-m.paypal.com/v2/payments/captures/3C679366HH908993F', rel: 'up', method: 'GET' },
    ],
  };

  it('records a refund for the payment it names, referring to the capture it refunds', () => {
    expect(paypalEventToCommand(webhook('PAYMENT.CAPTURE.REFUNDED', refund), NOW)).toMatchObject({
      kind: 'refunded',
      aggregateId: 'pay-1',
      correlationId: 'order-1',
      providerReference: '3C679366HH908993F',
      amount: { amount: 1000, currency: 'EUR' },
    });
  });

  it('deduplicates a refund by its refund id, not the webhook event id: the same event as the refund answer', () => {
    const first = paypalEventToCommand(webhook('PAYMENT.CAPTURE.REFUNDED', refund, 'WH-A'), NOW);
    const other = paypalEventToCommand(webhook('PAYMENT.CAPTURE.REFUNDED', refund, 'WH-B'), NOW + 1);
    expect(first).toMatchObject({
      providerEventId: 'paypal-refund:1Y107995YT783435V',
      commandId: deterministicId('paypal-refund', '1Y107995YT783435V'),
    });
    expect(other?.providerEventId).toBe(first?.providerEventId);
    expect(other?.commandId).toBe(first?.commandId);
    const answered = paypalRefundToCommand(
      { id: refund.id, status: RefundStatus.Completed, amount: { currencyCode: 'EUR', value: '10.00' } },
      REFUND,
      NOW,
    );
    expect(answered?.providerEventId).toBe(first?.providerEventId);
    expect(answered?.commandId).toBe(first?.commandId);
    const another = paypalEventToCommand(webhook('PAYMENT.CAPTURE.REFUNDED', { ...refund, id: '2Z2' }, 'WH-A'), NOW);
    expect(another?.providerEventId).toBe('paypal-refund:2Z2');
  });

  it('ignores other event types and captures that are not ours', () => {
    expect(paypalEventToCommand(webhook('CHECKOUT.ORDER.APPROVED', { id: IDS.paypalOrderId }), NOW)).toBeNull();
    expect(paypalEventToCommand(webhook('PAYMENT.CAPTURE.REVERSED', capture), NOW)).toBeNull();
    expect(paypalEventToCommand(webhook('BILLING.SUBSCRIPTION.CREATED', { id: 'I-1' }), NOW)).toBeNull();
    const { custom_id: _, ...foreign } = capture;
    expect(paypalEventToCommand(webhook('PAYMENT.CAPTURE.COMPLETED', foreign), NOW)).toBeNull();
  });

  it('deduplicates a capture event by webhook event id', () => {
    const a = paypalEventToCommand(webhook('PAYMENT.CAPTURE.COMPLETED', capture, 'WH-A'), NOW);
    const again = paypalEventToCommand(webhook('PAYMENT.CAPTURE.COMPLETED', capture, 'WH-A'), NOW + 1);
    expect(a?.providerEventId).toBe('WH-A');
    expect(again?.commandId).toBe(a?.commandId);
  });
});

function capturedOrder(status: CaptureStatus, amount = { currencyCode: 'EUR', value: '45.99' }): Order {
  return {
    id: IDS.paypalOrderId,
    status: OrderStatus.Completed,
    purchaseUnits: [
      { referenceId: 'pay-1', customId: 'pay-1', payments: { captures: [{ id: 'CAP1', status, amount }] } },
    ],
  };
}

describe('paypalCaptureToCommand', () => {
  it('records a completed capture as captured, with the PayPal order as reference', () => {
    expect(paypalCaptureToCommand(capturedOrder(CaptureStatus.Completed), IDS, NOW)).toEqual({
      commandId: deterministicId('paypal-capture', 'CAP1', 'COMPLETED'),
      aggregateId: 'pay-1',
      idempotencyKey: null,
      issuedAt: NOW,
      correlationId: 'order-1',
      causationId: null,
      actorId: null,
      providerEventId: 'paypal-capture:CAP1:COMPLETED',
      kind: 'captured',
      providerReference: IDS.paypalOrderId,
      amount: { amount: 4599, currency: 'EUR' },
      failureReason: null,
    });
  });

  it('records a declined capture as failed, a pending one as authorized (a later COMPLETED is another event)', () => {
    expect(paypalCaptureToCommand(capturedOrder(CaptureStatus.Declined), IDS, NOW)).toMatchObject({
      kind: 'failed',
      failureReason: 'paypal_capture_declined',
      amount: null,
    });
    const pending = paypalCaptureToCommand(capturedOrder(CaptureStatus.Pending), IDS, NOW);
    const completed = paypalCaptureToCommand(capturedOrder(CaptureStatus.Completed), IDS, NOW);
    expect(pending.kind).toBe('authorized');
    expect(pending.providerEventId).not.toBe(completed.providerEventId);
  });

  it('refuses an order without a capture', () => {
    const order: Order = {
      id: IDS.paypalOrderId,
      status: OrderStatus.Approved,
      purchaseUnits: [{ customId: 'pay-1' }],
    };
    expect(() => paypalCaptureToCommand(order, IDS, NOW)).toThrow(PaymentProviderError);
  });
});

describe('paypalRefundToCommand', () => {
  it('records a completed refund as refunded, for the amount PayPal refunded, with the PayPal order as reference', () => {
    const refund: Refund = {
      id: '1Y107995YT783435V',
      status: RefundStatus.Completed,
      amount: { currencyCode: 'EUR', value: '9.50' },
    };
    expect(paypalRefundToCommand(refund, REFUND, NOW)).toEqual({
      commandId: deterministicId('paypal-refund', '1Y107995YT783435V'),
      aggregateId: 'pay-1',
      idempotencyKey: null,
      issuedAt: NOW,
      correlationId: 'order-1',
      causationId: null,
      actorId: null,
      providerEventId: 'paypal-refund:1Y107995YT783435V',
      kind: 'refunded',
      providerReference: IDS.paypalOrderId,
      amount: { amount: 950, currency: 'EUR' },
      failureReason: null,
    });
  });

  it('takes the amount asked when PayPal answers minimally', () => {
    const minimal: Refund = { id: 'R1', status: RefundStatus.Completed };
    expect(paypalRefundToCommand(minimal, REFUND, NOW)?.amount).toEqual(REFUND.amount);
  });

  it('records nothing while the refund is pending (its webhook records it)', () => {
    expect(paypalRefundToCommand({ id: 'R1', status: RefundStatus.Pending }, REFUND, NOW)).toBeNull();
  });

  it('refuses for good a failed or cancelled refund, and an answer without id or status', () => {
    for (const status of [RefundStatus.Failed, RefundStatus.Cancelled]) {
      let err: unknown;
      try {
        paypalRefundToCommand({ id: 'R1', status }, REFUND, NOW);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PaymentProviderError);
      expect(err).toMatchObject({
        code: 'provider_request_refused',
        permanent: true,
        providerCode: `REFUND_${status}`,
      });
    }
    expect(() => paypalRefundToCommand({ status: RefundStatus.Completed }, REFUND, NOW)).toThrow(
      expect.objectContaining({ code: 'provider_response_invalid', permanent: false }),
    );
  });
});
