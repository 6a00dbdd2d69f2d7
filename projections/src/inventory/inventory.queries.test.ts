import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../query-input.ts';
import type { InventoryDocument } from './inventory.projection.ts';
import { lowStockFilter, stockListFilter, toLevel } from './inventory.queries.ts';

const doc = (available: number, lowStockThreshold?: number | null): InventoryDocument => ({
  _id: 'SKU-1',
  sku: 'SKU-1',
  onHand: available + 1,
  reserved: 1,
  available,
  ...(lowStockThreshold !== undefined ? { lowStockThreshold } : {}),
  updatedAt: 7,
  version: 2,
});

describe('stock levels', () => {
  it('show the threshold in force, whether an admin set it, and whether the SKU is low', () => {
    expect(toLevel(doc(5))).toEqual({
      sku: 'SKU-1',
      onHand: 6,
      reserved: 1,
      available: 5,
      threshold: 5,
      thresholdSet: false,
      low: true,
      updatedAt: 7,
    });
    expect(toLevel(doc(5, 2))).toMatchObject({ threshold: 2, thresholdSet: true, low: false });
    expect(toLevel(doc(0, 0))).toMatchObject({ threshold: 0, low: false });
  });

  it('page by SKU, and the low ones by available then SKU', () => {
    expect(stockListFilter(undefined)).toEqual({});
    expect(stockListFilter(['SKU-3'])).toEqual({ _id: { $gt: 'SKU-3' } });
    expect(lowStockFilter(undefined)).toEqual({ low: true });
    const after = decodeCursor(encodeCursor('inventory:low', [2, 'SKU-3']), 'inventory:low', ['number', 'string']);
    expect(lowStockFilter(after)).toEqual({
      low: true,
      $or: [{ available: { $gt: 2 } }, { available: 2, _id: { $gt: 'SKU-3' } }],
    });
  });
});
