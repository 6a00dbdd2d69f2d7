import { given, projected } from '@streamshop/projection-runtime';
import { describe, expect, it } from 'vitest';
import { inventoryProjection } from './inventory.projection.ts';

const e = (type: string, levels: object | undefined, version: number) =>
  projected(
    'inventory.events',
    `streamshop.inventory.${type}`,
    { orderId: 'o', line: 0, quantity: 1, levels },
    {
      aggregateId: 'SKU-1',
      version,
      at: version,
    },
  );

describe('inventory projection', () => {
  it('holds the levels reported by the latest event', () => {
    const doc = given(
      inventoryProjection,
      e('StockReceived', { onHand: 10, reserved: 0, available: 10 }, 1),
      e('StockReserved', { onHand: 10, reserved: 3, available: 7 }, 2),
      e('ReservationCommitted', { onHand: 7, reserved: 0, available: 7 }, 3),
    ).doc('SKU-1');
    expect(doc).toEqual({ _id: 'SKU-1', sku: 'SKU-1', onHand: 7, reserved: 0, available: 7, updatedAt: 3, version: 3 });
  });

  it('dead-letters an event without levels', () => {
    expect(given(inventoryProjection, e('StockReceived', undefined, 1)).failures[0]).toMatch(/no stock levels/);
  });
});
