import type { EventEnvelope, InvoiceDocument, RecordTypes } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { reactorCommandId } from './notification.ids.ts';
import { type NotificationSource, translate } from './notification.reactor.ts';

const T0 = 1_790_000_000_000;
const ORDER = 'order-1';

function event<N extends NotificationSource['type']>(
  type: N,
  aggregateId: string,
  payload: Omit<RecordTypes[N], keyof EventEnvelope>,
  eventId = 'evt-1',
): NotificationSource {
  const envelope: EventEnvelope = {
    eventId,
    aggregateId,
    aggregateVersion: 3,
    occurredAt: T0,
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    actorId: 'user_admin',
  };
  return { type, value: { ...envelope, ...payload } } as unknown as NotificationSource;
}

const ENVELOPE = {
  commandId: reactorCommandId('evt-1', 0),
  idempotencyKey: null,
  issuedAt: T0,
  correlationId: 'corr-1',
  causationId: 'evt-1',
  actorId: 'user_admin',
};
const NO_DETAILS = { carrier: null, trackingNumber: null, reason: null, amount: null, document: null };
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const levels = { onHand: 7, reserved: 2, available: 5 };

const doc = (kind: InvoiceDocument['kind'], number: string, gross: number, reason: string | null = null) =>
  ({ kind, number, orderId: ORDER, gross: eur(gross), reason }) as InvoiceDocument;

describe('translate', () => {
  it('OrderPlaced → NoteOrderContact on the order’s mailbox', () => {
    const contact = { email: 'ada@example.com', name: 'Ada', locale: 'de-DE' };
    const placed = event('streamshop.orders.OrderPlaced', ORDER, {
      customerId: 'user_1',
      lines: [],
      shippingAddress: {
        name: 'Ada',
        line1: '1 Road',
        line2: null,
        postalCode: '1000',
        city: 'Town',
        region: null,
        country: 'DE',
      },
      currency: 'EUR',
      total: eur(100),
      paymentProvider: 'stripe',
      contact,
    });
    expect(translate(placed)).toEqual([
      {
        type: 'streamshop.notifications.NoteOrderContact',
        value: { ...ENVELOPE, aggregateId: ORDER, orderId: ORDER, customerId: 'user_1', contact },
      },
    ]);
  });

  it('InvoiceIssued → order_confirmed with the invoice and its gross, on the invoiced order’s mailbox', () => {
    const invoice = doc('invoice', 'INV-2026-000001', 4999);
    expect(translate(event('streamshop.invoicing.InvoiceIssued', 'invoices-2026', { document: invoice }))).toEqual([
      {
        type: 'streamshop.notifications.RequestNotification',
        value: {
          ...ENVELOPE,
          ...NO_DETAILS,
          aggregateId: ORDER,
          notificationId: `order_confirmed:${ORDER}`,
          kind: 'order_confirmed',
          orderId: ORDER,
          amount: eur(4999),
          document: invoice,
        },
      },
    ]);
  });

  it('CreditNoteIssued → order_refunded, one per credit note, with its amount and reason', () => {
    const note = doc('credit_note', 'CN-2026-000004', 1500, 'damaged');
    expect(
      translate(
        event('streamshop.invoicing.CreditNoteIssued', 'invoices-2026', { document: note, refundId: 'evt-refund' }),
      ),
    ).toEqual([
      {
        type: 'streamshop.notifications.RequestNotification',
        value: {
          ...ENVELOPE,
          ...NO_DETAILS,
          aggregateId: ORDER,
          notificationId: 'order_refunded:CN-2026-000004',
          kind: 'order_refunded',
          orderId: ORDER,
          amount: eur(1500),
          reason: 'damaged',
          document: note,
        },
      },
    ]);
  });

  it('the order’s own milestones → their messages, keyed <kind>:<order id>', () => {
    const request = (cause: NotificationSource) => translate(cause).map((c) => c.value);
    expect(request(event('streamshop.orders.OrderShipped', ORDER, { carrier: 'DHL', trackingNumber: 'JJD1' }))).toEqual(
      [
        {
          ...ENVELOPE,
          ...NO_DETAILS,
          aggregateId: ORDER,
          notificationId: `order_shipped:${ORDER}`,
          kind: 'order_shipped',
          orderId: ORDER,
          carrier: 'DHL',
          trackingNumber: 'JJD1',
        },
      ],
    );
    expect(request(event('streamshop.orders.OrderDelivered', ORDER, {}))).toMatchObject([
      { notificationId: `order_delivered:${ORDER}`, kind: 'order_delivered', orderId: ORDER },
    ]);
    expect(
      request(event('streamshop.orders.OrderPaymentFailed', ORDER, { paymentId: 'p1', reason: 'card_declined' })),
    ).toMatchObject([{ notificationId: `payment_failed:${ORDER}`, kind: 'payment_failed', reason: 'card_declined' }]);
    expect(
      request(event('streamshop.orders.OrderCancelled', ORDER, { reason: 'customer_request', by: 'customer' })),
    ).toMatchObject([
      { notificationId: `order_cancelled:${ORDER}`, kind: 'order_cancelled', reason: 'customer_request' },
    ]);
  });

  it('a cancellation because payment failed or timed out owes nothing more: payment_failed told the shopper', () => {
    for (const reason of ['payment_failed', 'payment_timeout']) {
      expect(translate(event('streamshop.orders.OrderCancelled', ORDER, { reason, by: 'system' }))).toEqual([]);
    }
  });

  it('inventory events → NoteStockLevel on stock:<sku>, with the threshold when the event set one', () => {
    const thresholdSet = event(
      'streamshop.inventory.LowStockThresholdSet',
      'SKU-1',
      { threshold: 5, previousThreshold: 0, levels },
      'evt-1',
    );
    expect(translate(thresholdSet)).toEqual([
      {
        type: 'streamshop.notifications.NoteStockLevel',
        value: {
          ...ENVELOPE,
          aggregateId: 'stock:SKU-1',
          sku: 'SKU-1',
          levels,
          threshold: 5,
          causeEventId: 'evt-1',
        },
      },
    ]);
    const reserved = event('streamshop.inventory.StockReserved', 'SKU-1', {
      orderId: ORDER,
      line: 0,
      quantity: 2,
      expiresAt: T0,
      requestedAt: null,
      levels,
    });
    expect(translate(reserved)).toMatchObject([
      {
        type: 'streamshop.notifications.NoteStockLevel',
        value: { aggregateId: 'stock:SKU-1', threshold: null, levels },
      },
    ]);
  });

  it('events that owe no message map to nothing', () => {
    expect(translate(event('streamshop.orders.OrderConfirmed', ORDER, {}))).toEqual([]);
    expect(translate(event('streamshop.orders.OrderInvoiced', ORDER, { invoiceNumber: 'INV-2026-000001' }))).toEqual(
      [],
    );
  });

  it('is deterministic: the same event gives byte-identical commands, another event other ids', () => {
    const a = event('streamshop.orders.OrderDelivered', ORDER, {}, 'evt-a');
    expect(translate(a)).toEqual(translate(a));
    const b = event('streamshop.orders.OrderDelivered', ORDER, {}, 'evt-b');
    expect(translate(b)[0]!.value.commandId).not.toBe(translate(a)[0]!.value.commandId);
  });
  describe('with notBefore (NOTIFY_NOT_BEFORE): a shop’s history owes no message', () => {
    const at = (source: NotificationSource, occurredAt: number) =>
      ({ ...source, value: { ...source.value, occurredAt } }) as NotificationSource;
    const shipped = event('streamshop.orders.OrderShipped', ORDER, { carrier: 'DHL', trackingNumber: 'JJD1' });
    const invoiced = event('streamshop.invoicing.InvoiceIssued', 'invoices-2026', {
      document: doc('invoice', 'INV-2026-000001', 4999),
    });
    const credited = event('streamshop.invoicing.CreditNoteIssued', 'invoices-2026', {
      document: doc('credit_note', 'CN-2026-000001', 1500, 'damaged'),
      refundId: 'evt-refund',
    });
    const restocked = event('streamshop.inventory.LowStockThresholdSet', 'SKU-1', {
      threshold: 5,
      previousThreshold: 0,
      levels: { onHand: 1, reserved: 0, available: 1 },
    });
    const cutOff = { notBefore: T0 };

    it('an event from before the cut-off requests nothing and notes no stock level (no alert for a past dip)', () => {
      for (const past of [shipped, invoiced, credited, restocked]) {
        expect(translate(at(past, T0 - 1), cutOff), past.type).toEqual([]);
        // The same event at or after the cut-off is translated as without it.
        expect(translate(at(past, T0), cutOff), past.type).toEqual(translate(at(past, T0)));
        expect(translate(at(past, T0), cutOff)).toHaveLength(1);
      }
    });

    it('an order placed before the cut-off still notes its contact, so its later shipment is told', () => {
      const placed = event('streamshop.orders.OrderPlaced', ORDER, {
        customerId: 'user_1',
        lines: [],
        shippingAddress: {
          name: 'Ada',
          line1: '1 Road',
          line2: null,
          postalCode: '1000',
          city: 'Town',
          region: null,
          country: 'DE',
        },
        currency: 'EUR',
        total: eur(100),
        paymentProvider: 'stripe',
        contact: { email: 'ada@example.com', name: 'Ada', locale: 'de-DE' },
      });
      expect(translate(at(placed, T0 - 86_400_000), cutOff).map((c) => c.type)).toEqual([
        'streamshop.notifications.NoteOrderContact',
      ]);
      expect(translate(at(shipped, T0 + 1), cutOff).map((c) => c.value)).toMatchObject([
        { kind: 'order_shipped', trackingNumber: 'JJD1' },
      ]);
    });
  });
});
