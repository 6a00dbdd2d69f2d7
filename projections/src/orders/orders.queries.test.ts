import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../query-input.ts';
import type { OrderDocument } from './orders.projection.ts';
import { customerCursorAfter, customerFilter, type StoredOrder, toOrder, withProducts } from './orders.queries.ts';

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

describe('order lines with their products', () => {
  it('name each line’s product and image, null for a SKU without one, in one lookup', async () => {
    const asked: string[][] = [];
    const products = {
      async summariesBySku(skus: readonly string[]) {
        asked.push([...skus]);
        return new Map([['A', { sku: 'A', productId: 'p-A', name: 'Mug', imageUrl: 'https://img/a.jpg' }]]);
      },
    };
    const order = (id: string, skus: string[]) =>
      ({ id, lines: skus.map((sku, line) => ({ line, sku, quantity: 1 })) }) as unknown as StoredOrder;
    const [first, second] = await withProducts(products, [order('o1', ['A', 'B']), order('o2', ['A'])]);
    expect(first?.lines.map((l) => [l.sku, l.name, l.imageUrl])).toEqual([
      ['A', 'Mug', 'https://img/a.jpg'],
      ['B', null, null],
    ]);
    expect(second?.lines[0]?.name).toBe('Mug');
    expect(asked).toEqual([['A', 'B']]);
  });
});
