/**
 * Stock queries over the `inventory` read model (one document per SKU): the stock levels of a SKU, for the admin
 * pages. Cached under `rm:inventory:g<N>:id:<sku>`, the key the inventory worker deletes when the levels change.
 */
import type { QueryContext } from '../queries.ts';
import { parseId } from '../query-input.ts';
import type { InventoryDocument } from './inventory.projection.ts';

export interface InventoryLevel {
  sku: string;
  /** Units physically in stock, reserved ones included. */
  onHand: number;
  /** Units held by open reservations. */
  reserved: number;
  /** Units that can still be reserved. */
  available: number;
  updatedAt: number;
}

export interface InventoryQueries {
  bySku(sku: string): Promise<InventoryLevel | null>;
}

export function createInventoryQueries(ctx: QueryContext): InventoryQueries {
  const { cache } = ctx;
  return {
    async bySku(sku) {
      const id = parseId(sku, 'sku');
      const g = await ctx.generation('inventory');
      const inventory = ctx.collection<InventoryDocument>('inventory', g);
      return cache.getOrLoad<InventoryLevel>(cache.key('inventory', g, 'id', id), async () => {
        const doc = await inventory.findOne({ _id: id });
        if (!doc) return null;
        const { sku, onHand, reserved, available, updatedAt } = doc;
        return { sku, onHand, reserved, available, updatedAt };
      });
    },
  };
}
