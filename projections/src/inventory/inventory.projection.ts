/**
 * The `inventory` read model: per SKU, what is on hand, reserved and available. Every inventory event carries the
 * stock levels after it, so the document is simply the latest levels (the version guard keeps them in order).
 */
import { type ProjectedEvent, type ProjectionDefinition, ProjectionError } from '@streamshop/projection-runtime';
import type { StockLevels } from '@streamshop/schemas/types';

export interface InventoryDocument {
  _id: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  updatedAt: number;
  version: number;
}

/** The stock levels an inventory event reports (all of them carry `levels`). */
export function levelsOf(event: ProjectedEvent): StockLevels {
  const levels = (event.value as { levels?: StockLevels }).levels;
  if (!levels || typeof levels.onHand !== 'number') {
    throw new ProjectionError(`${event.type} for ${event.meta.aggregateId} carries no stock levels`);
  }
  return levels;
}

export const inventoryProjection: ProjectionDefinition<InventoryDocument> = {
  model: 'inventory',
  collection: 'inventory',
  topics: ['inventory.events'],
  indexes: [{ key: { available: 1 }, name: 'available' }],
  target: (event) => ({ id: event.meta.aggregateId }),
  apply(_doc, event) {
    const { onHand, reserved, available } = levelsOf(event);
    const sku = event.meta.aggregateId;
    return {
      _id: sku,
      sku,
      onHand,
      reserved,
      available,
      updatedAt: Number(event.meta.occurredAt),
      version: event.meta.aggregateVersion,
    };
  },
  cacheEntries: (doc) => [{ kind: 'id', id: doc._id }],
};
