import { given, projected } from '@streamshop/projection-runtime';
import { describe, expect, it } from 'vitest';
import { salesProjection } from './sales.projection.ts';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const DAY = Date.UTC(2026, 10, 24, 23, 30);
const e = (type: string, value: object, version: number, at = DAY) =>
  projected('orders.events', `streamshop.orders.${type}`, value, { aggregateId: 'o1', version, at });
const placed = e(
  'OrderPlaced',
  {
    customerId: 'c1',
    lines: [{ sku: 'A', quantity: 3, unitPrice: EUR(200) }],
    shippingAddress: {},
    currency: 'EUR',
    total: EUR(600),
    paymentProvider: 'stripe',
  },
  1,
);

describe('sales projection', () => {
  it('makes one fact per order, confirmed on its UTC day, with line amounts', () => {
    const doc = given(salesProjection, placed, e('OrderLineReserved', { line: 0 }, 2), e('OrderConfirmed', {}, 6)).doc(
      'o1',
    );
    expect(doc).toMatchObject({
      state: 'confirmed',
      day: '2026-11-24',
      confirmedAt: DAY,
      lines: [{ sku: 'A', quantity: 3, amount: 600 }],
    });
  });

  it('records refunds and ignores events that do not change a fact', () => {
    const t = given(
      salesProjection,
      placed,
      e('OrderPaid', {}, 5),
      e('OrderConfirmed', {}, 6),
      e('OrderRefunded', { amount: EUR(600), reason: null }, 7, DAY + 86_400_000),
    );
    expect(t.doc('o1')).toMatchObject({ state: 'refunded', refundAmount: 600, day: '2026-11-24' });
    expect(t.applied).toBe(3);
  });

  it('adds up partial refunds, each on its own time', () => {
    const next = DAY + 86_400_000;
    const doc = given(
      salesProjection,
      placed,
      e('OrderConfirmed', {}, 6),
      e('OrderRefunded', { amount: EUR(200), reason: null }, 7, next),
      e('OrderRefunded', { amount: EUR(100), reason: null }, 8, next + 86_400_000),
    ).doc('o1');
    expect(doc).toMatchObject({ state: 'refunded', refundAmount: 300, refundedAt: next + 86_400_000 });
    expect(doc?.refunds).toEqual([
      { at: next, amount: 200 },
      { at: next + 86_400_000, amount: 100 },
    ]);
  });

  it('leaves the refund of an order never confirmed out of the sales', () => {
    const doc = given(
      salesProjection,
      placed,
      e('OrderCancelled', { reason: 'out_of_stock', by: 'system' }, 4),
      e('OrderRefunded', { amount: EUR(600), reason: 'order_cancelled' }, 5),
    ).doc('o1');
    expect(doc).toMatchObject({ state: 'cancelled', refundAmount: null, refunds: [] });
  });

  it('marks an order cancelled before confirmation', () => {
    expect(
      given(salesProjection, placed, e('OrderCancelled', { reason: 'x', by: 'customer' }, 3)).doc('o1')?.state,
    ).toBe('cancelled');
  });
});
