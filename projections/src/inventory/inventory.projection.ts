/**
 * The `inventory` read model: per SKU, what is on hand, reserved and available, and its low-stock threshold. Every
 * inventory event carries the stock levels after it, so the levels are simply the latest ones (the version guard
 * keeps them in order); LowStockThresholdSet also sets the threshold.
 *
 * `low` is decided here, at fold time, because the low-stock list must filter on it and a query cannot compare two
 * fields of a document on FerretDB 1.24 (no `$expr`): a SKU is low when its threshold is above 0 and what is
 * available is at or below it; a SKU whose threshold was never set uses `DEFAULT_LOW_STOCK_THRESHOLD`, and 0 means
 * "never alert". A rebuild decides it again from the same events, so it is as rebuildable as the levels.
 */
import { type ProjectedEvent, type ProjectionDefinition, ProjectionError } from '@streamshop/projection-runtime';
import { recordNames, type StockLevels } from '@streamshop/schemas/types';

export type InventoryModelEvent = ProjectedEvent<(typeof recordNames.inventory.events)[number]>;

export interface InventoryDocument {
  _id: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  /** The threshold an admin set; null while none was (then `DEFAULT_LOW_STOCK_THRESHOLD` applies). */
  lowStockThreshold?: number | null;
  /** Available at or below the effective threshold (see the module comment). */
  low?: boolean;
  updatedAt: number;
  version: number;
}

/** The threshold of a SKU no admin set one for: low when 5 or fewer units can still be sold. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

const THRESHOLD_SET = 'streamshop.inventory.LowStockThresholdSet';

export function effectiveThreshold(threshold: number | null | undefined): number {
  return threshold ?? DEFAULT_LOW_STOCK_THRESHOLD;
}

export function isLow(available: number, threshold: number | null | undefined): boolean {
  const t = effectiveThreshold(threshold);
  return t > 0 && available <= t;
}

/** The stock levels an inventory event reports (the schemas give all of them `levels`; one without is refused). */
export function levelsOf(event: InventoryModelEvent): StockLevels {
  const levels: StockLevels | undefined = event.value.levels;
  if (!levels || typeof levels.onHand !== 'number') {
    throw new ProjectionError(`${event.type} for ${event.meta.aggregateId} carries no stock levels`);
  }
  return levels;
}

export const inventoryProjection: ProjectionDefinition<InventoryDocument, InventoryModelEvent> = {
  model: 'inventory',
  collection: 'inventory',
  topics: ['inventory.events'],
  events: recordNames.inventory.events,
  indexes: [
    { key: { available: 1 }, name: 'available' },
    { key: { low: 1, available: 1 }, name: 'low_available' },
  ],
  target: (event) => ({ id: event.meta.aggregateId }),
  apply(doc, event) {
    const { onHand, reserved, available } = levelsOf(event);
    const sku = event.meta.aggregateId;
    const lowStockThreshold = event.type === THRESHOLD_SET ? event.value.threshold : (doc?.lowStockThreshold ?? null);
    return {
      _id: sku,
      sku,
      onHand,
      reserved,
      available,
      lowStockThreshold,
      low: isLow(available, lowStockThreshold),
      updatedAt: Number(event.meta.occurredAt),
      version: event.meta.aggregateVersion,
    };
  },
  cacheEntries: (doc) => [{ kind: 'id', id: doc._id }],
};
