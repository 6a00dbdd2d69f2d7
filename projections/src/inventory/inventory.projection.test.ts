import { given, projected } from '@streamshop/projection-runtime';
import { describe, expect, it } from 'vitest';
import { inventoryProjection } from './inventory.projection.ts';

const e = (type: string, levels: object | undefined, version: number, extra: object = {}) =>
  projected(
    'inventory.events',
    `streamshop.inventory.${type}`,
    { orderId: 'o', line: 0, quantity: 1, levels, ...extra },
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
    expect(doc).toEqual({
      _id: 'SKU-1',
      sku: 'SKU-1',
      onHand: 7,
      reserved: 0,
      available: 7,
      lowStockThreshold: null,
      low: false,
      updatedAt: 3,
      version: 3,
    });
  });

  it('is low at or below the default threshold until an admin sets one, and never with a threshold of 0', () => {
    const levels = (available: number) => ({ onHand: available, reserved: 0, available });
    const received = e('StockReceived', levels(5), 1);
    expect(given(inventoryProjection, received).doc('SKU-1')).toMatchObject({ lowStockThreshold: null, low: true });

    const set = (threshold: number, version: number) =>
      e('LowStockThresholdSet', levels(5), version, { threshold, previousThreshold: 0 });
    expect(given(inventoryProjection, received, set(4, 2)).doc('SKU-1')).toMatchObject({
      lowStockThreshold: 4,
      low: false,
    });
    const raised = given(inventoryProjection, received, set(10, 2), e('StockReserved', levels(3), 3)).doc('SKU-1');
    expect(raised).toMatchObject({ lowStockThreshold: 10, low: true, available: 3 });
    expect(given(inventoryProjection, received, set(0, 2)).doc('SKU-1')).toMatchObject({ low: false });
  });

  it('dead-letters an event without levels', () => {
    expect(given(inventoryProjection, e('StockReceived', undefined, 1)).failures[0]).toMatch(/no stock levels/);
  });
});
