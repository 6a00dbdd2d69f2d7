import { given, projected } from '@streamshop/projection-runtime';
import { describe, expect, it } from 'vitest';
import { ordersProjection, refundStatusOf } from './orders.projection.ts';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const address = {
  name: 'Sam',
  line1: '1 Rue',
  line2: null,
  postalCode: '75001',
  city: 'Paris',
  region: null,
  country: 'FR',
};
const e = (type: string, value: object, version: number, at = 1_000 * version) =>
  projected('orders.events', `streamshop.orders.${type}`, value, { aggregateId: 'o1', version, at });
const placed = e(
  'OrderPlaced',
  {
    customerId: 'c1',
    lines: [
      { sku: 'A', quantity: 2, unitPrice: EUR(500) },
      { sku: 'B', quantity: 1, unitPrice: EUR(250) },
    ],
    shippingAddress: address,
    currency: 'EUR',
    total: EUR(1250),
    paymentProvider: 'stripe',
  },
  1,
);

describe('orders projection', () => {
  it('places an order with pending lines and a first timeline entry', () => {
    const doc = given(ordersProjection, placed).doc('o1');
    expect(doc).toMatchObject({ status: 'placed', customerId: 'c1', total: EUR(1250), version: 1, placedAt: 1000 });
    expect(doc?.lines.map((l) => l.reservation)).toEqual(['pending', 'pending']);
    expect(doc?.timeline).toEqual([{ status: 'placed', at: 1000, event: 'OrderPlaced', version: 1 }]);
  });

  it('is reserved only when every line is, then follows payment to confirmation with times', () => {
    const t = given(
      ordersProjection,
      placed,
      e('OrderLineReserved', { line: 0, sku: 'A', quantity: 2 }, 2),
      e('OrderLineReserved', { line: 1, sku: 'B', quantity: 1 }, 3),
      e('OrderPaymentRequested', { paymentId: 'p1', provider: 'stripe', amount: EUR(1250), deadline: 99 }, 4),
      e('OrderPaid', { paymentId: 'p1', amount: EUR(1250), providerReference: 'pi_1' }, 5),
      e('OrderConfirmed', {}, 6),
    );
    const doc = t.doc('o1');
    expect(doc?.status).toBe('confirmed');
    expect(doc?.timeline.map((s) => [s.status, s.at])).toEqual([
      ['placed', 1000],
      ['reserved', 3000],
      ['payment_requested', 4000],
      ['paid', 5000],
      ['confirmed', 6000],
    ]);
    expect(doc?.payment).toMatchObject({ paymentId: 'p1', status: 'paid', providerReference: 'pi_1' });
    expect(doc?.version).toBe(6);
  });

  it('shows a mismatched capture on the payment, leaving the order unpaid and its version the order’s', () => {
    const pay = (type: string, value: object, version: number) =>
      projected(
        'payments.events',
        `streamshop.payments.${type}`,
        { orderId: 'o1', ...value },
        {
          aggregateId: 'p1',
          version,
          at: 9_000 + version,
        },
      );
    const t = given(
      ordersProjection,
      placed,
      e('OrderPaymentRequested', { paymentId: 'p1', provider: 'stripe', amount: EUR(1250), deadline: 99 }, 2),
      pay('PaymentRequested', { provider: 'stripe', amount: EUR(1250) }, 1),
      pay(
        'PaymentMismatchDetected',
        {
          providerEventId: 'evt_cent',
          providerReference: 'pi_unrelated',
          amount: { amount: 1, currency: 'USD' },
          reason: 'unknown_reference',
        },
        2,
      ),
    );
    const doc = t.doc('o1');
    expect(doc?.status).toBe('payment_requested');
    expect(doc?.version).toBe(2);
    expect(doc?.payment).toMatchObject({ status: 'requested', providerReference: null });
    expect(doc?.payment?.mismatches).toEqual([
      {
        reference: 'pi_unrelated',
        amount: { amount: 1, currency: 'USD' },
        reason: 'unknown_reference',
        providerEventId: 'evt_cent',
        at: 9_002,
      },
    ]);
    expect(t.failures).toEqual([]);
  });

  it('adds up partial refunds: the order stays shipped until they reach what was paid, then is refunded', () => {
    const paidAndShipped = [
      placed,
      e('OrderPaymentRequested', { paymentId: 'p1', provider: 'stripe', amount: EUR(1250), deadline: 99 }, 2),
      e('OrderPaid', { paymentId: 'p1', amount: EUR(1250), providerReference: 'pi_1' }, 3),
      e('OrderConfirmed', {}, 4),
      e('OrderShipped', { carrier: 'DHL', trackingNumber: 'JD0001' }, 5),
      e('OrderRefunded', { amount: EUR(500), reason: 'one cup broken' }, 6),
    ];
    const partly = given(ordersProjection, ...paidAndShipped).doc('o1');
    expect(partly?.status).toBe('shipped');
    expect(partly?.shipment).toEqual({ carrier: 'DHL', trackingNumber: 'JD0001' });
    expect(partly?.refund).toEqual({ amount: EUR(500), reason: 'one cup broken' });
    expect(partly && refundStatusOf(partly)).toBe('partial');

    const all = given(
      ordersProjection,
      ...paidAndShipped,
      e(
        'OrderRefunded',
        { amount: EUR(750), reason: null, actorId: 'user_admin', lines: [{ line: 1, quantity: 1 }], restock: true },
        7,
      ),
    );
    const doc = all.doc('o1');
    expect(doc?.status).toBe('refunded');
    expect(doc?.refund).toEqual({ amount: EUR(1250), reason: 'one cup broken' });
    expect(doc?.refunds).toEqual([
      { amount: EUR(500), reason: 'one cup broken', lines: [], restock: false, actorId: null, at: 6000 },
      {
        amount: EUR(750),
        reason: null,
        lines: [{ line: 1, quantity: 1 }],
        restock: true,
        actorId: 'user_admin',
        at: 7000,
      },
    ]);
    expect(doc?.lines.map((l) => l.refundedQuantity)).toEqual([undefined, 1]);
    expect(doc && refundStatusOf(doc)).toBe('full');
    expect(doc?.timeline.at(-1)).toEqual({
      status: 'refunded',
      at: 7000,
      event: 'OrderRefunded',
      version: 7,
      actorId: 'user_admin',
    });
  });

  it('keeps a cancelled order cancelled when what was paid is refunded', () => {
    const doc = given(
      ordersProjection,
      placed,
      e('OrderPaymentRequested', { paymentId: 'p1', provider: 'stripe', amount: EUR(1250), deadline: 99 }, 2),
      e('OrderPaid', { paymentId: 'p1', amount: EUR(1250), providerReference: 'pi_1' }, 3),
      e('OrderCancelled', { reason: 'out_of_stock', by: 'system' }, 4),
      e('OrderRefunded', { amount: EUR(1250), reason: 'order_cancelled' }, 5),
    ).doc('o1');
    expect(doc?.status).toBe('cancelled');
    expect(doc?.refund).toEqual({ amount: EUR(1250), reason: 'order_cancelled' });
    expect(doc && refundStatusOf(doc)).toBe('full');
  });

  it('records a rejected line and the cancellation that follows', () => {
    const doc = given(
      ordersProjection,
      placed,
      e('OrderLineRejected', { line: 1, sku: 'B', quantity: 1, reason: 'out_of_stock' }, 2),
      e('OrderCancelled', { reason: 'out_of_stock', by: 'system' }, 3),
    ).doc('o1');
    expect(doc?.lines[1]).toMatchObject({ reservation: 'rejected', rejectionReason: 'out_of_stock' });
    expect(doc?.status).toBe('cancelled');
    expect(doc?.cancellation).toEqual({ reason: 'out_of_stock', by: 'system' });
  });

  it('has no invoice number until OrderInvoiced, then keeps it without a status change', () => {
    const paid = [
      placed,
      e('OrderPaymentRequested', { paymentId: 'p1', provider: 'stripe', amount: EUR(1250), deadline: 99 }, 2),
      e('OrderPaid', { paymentId: 'p1', amount: EUR(1250), providerReference: 'pi_1' }, 3),
      e('OrderConfirmed', {}, 4),
    ];
    expect(given(ordersProjection, ...paid).doc('o1')?.invoiceNumber).toBeNull();
    const doc = given(ordersProjection, ...paid, e('OrderInvoiced', { invoiceNumber: 'INV-2026-000001' }, 5)).doc('o1');
    expect(doc).toMatchObject({ invoiceNumber: 'INV-2026-000001', status: 'confirmed', version: 5, updatedAt: 5000 });
    expect(doc?.timeline.map((t) => t.event)).toEqual([
      'OrderPlaced',
      'OrderPaymentRequested',
      'OrderPaid',
      'OrderConfirmed',
    ]);
  });

  it('skips an event it has already applied (the version guard)', () => {
    const reserved = e('OrderLineReserved', { line: 0, sku: 'A', quantity: 2 }, 2);
    const t = given(ordersProjection, placed, reserved, placed, reserved);
    expect(t.applied).toBe(2);
    expect(t.skipped).toBe(2);
    expect(t.failures).toEqual([]);
  });

  it('refuses events for an order never placed, and lines that do not exist', () => {
    expect(given(ordersProjection, e('OrderConfirmed', {}, 2)).failures[0]).toMatch(/never placed/);
    expect(
      given(ordersProjection, placed, e('OrderLineReserved', { line: 7, sku: 'Z', quantity: 1 }, 2)).failures[0],
    ).toMatch(/no line 7/);
  });
});
