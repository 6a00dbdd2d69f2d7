import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../query-input.ts';
import type { OrderDocument } from './orders.projection.ts';
import { customerCursorAfter, customerFilter, toOrder } from './orders.queries.ts';

describe('order view', () => {
  it('drops the internal _-fields and names the order id `id`', () => {
    const doc = { _id: 'o1', orderId: 'o1', customerId: 'c1', status: 'placed', version: 3, _v: { orders: 3 } };
    const order = toOrder(doc as unknown as OrderDocument);
    expect(order).toEqual({ id: 'o1', orderId: 'o1', customerId: 'c1', status: 'placed', version: 3 });
    expect(Object.keys(order).some((k) => k.startsWith('_'))).toBe(false);
  });
});

describe('orders of a customer', () => {
  it('continue after the cursor, newest first with _id breaking ties', () => {
    expect(customerFilter('c1', undefined)).toEqual({ customerId: 'c1' });
    const cursor = customerCursorAfter({ _id: 'o7', placedAt: 1700 });
    const after = decodeCursor(cursor, 'orders:customer', ['number', 'string']);
    expect(customerFilter('c1', after)).toEqual({
      customerId: 'c1',
      $or: [{ placedAt: { $lt: 1700 } }, { placedAt: 1700, _id: { $gt: 'o7' } }],
    });
  });
});
