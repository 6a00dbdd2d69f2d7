/**
 * Stock queries over the `inventory` read model (one document per SKU), for the admin pages: the stock levels of a
 * SKU, every SKU's levels by SKU, and the SKUs low on stock (fewest available first), both with keyset pagination.
 *
 * A SKU is cached under `rm:inventory:g<N>:id:<sku>`, the key the inventory worker deletes when the levels change;
 * pages under list keys that any change retires. Rows also name the SKU's product (joined from `products` after the
 * cache, see `summariesBySku`), so a renamed product shows at once.
 */
import type { Filter } from 'mongodb';
import type { ProductQueries } from '../products/products.queries.ts';
import type { QueryContext } from '../queries.ts';
import { type CursorValue, decodeCursor, encodeCursor, parseId, parseLimit } from '../query-input.ts';
import { effectiveThreshold, type InventoryDocument, isLow } from './inventory.projection.ts';

export interface InventoryLevel {
  sku: string;
  /** Units physically in stock, reserved ones included. */
  onHand: number;
  /** Units held by open reservations. */
  reserved: number;
  /** Units that can still be reserved. */
  available: number;
  /** The low-stock threshold in force (the default when no admin set one); 0 never alerts. */
  threshold: number;
  /** Whether an admin set the threshold. */
  thresholdSet: boolean;
  low: boolean;
  updatedAt: number;
}

/** A row of the stock lists: the levels and the product of the SKU (null while the catalog has none for it). */
export interface StockRow extends InventoryLevel {
  product: { id: string; name: string; imageUrl: string | null } | null;
}

export interface StockPage {
  items: StockRow[];
  nextCursor: string | null;
}

export interface InventoryQueries {
  bySku(sku: string): Promise<InventoryLevel | null>;
  /** Every SKU, by SKU. */
  list(page?: { cursor?: string; limit?: number }): Promise<StockPage>;
  /** SKUs whose available stock is at or below their threshold, fewest available first (then by SKU). */
  low(page?: { cursor?: string; limit?: number }): Promise<StockPage>;
}

export const DEFAULT_STOCK_LIMIT = 50;
const LIST_CURSOR = 'inventory:sku';
const LOW_CURSOR = 'inventory:low';

export function toLevel(doc: InventoryDocument): InventoryLevel {
  const { sku, onHand, reserved, available, updatedAt } = doc;
  const set = doc.lowStockThreshold ?? null;
  return {
    sku,
    onHand,
    reserved,
    available,
    threshold: effectiveThreshold(set),
    thresholdSet: set !== null,
    // Decided again here, so a document folded before `low` existed still answers right.
    low: isLow(available, set),
    updatedAt,
  };
}

export function stockListFilter(after: CursorValue[] | undefined): Filter<InventoryDocument> {
  return after === undefined ? {} : { _id: { $gt: after[0] as string } };
}

export function lowStockFilter(after: CursorValue[] | undefined): Filter<InventoryDocument> {
  if (after === undefined) return { low: true };
  const [available, id] = after as [number, string];
  return { low: true, $or: [{ available: { $gt: available } }, { available, _id: { $gt: id } }] };
}

export function createInventoryQueries(
  ctx: QueryContext,
  products: Pick<ProductQueries, 'summariesBySku'>,
): InventoryQueries {
  const { cache } = ctx;
  const open = async () => {
    const g = await ctx.generation('inventory');
    return { g, inventory: ctx.collection<InventoryDocument>('inventory', g) };
  };

  async function withProducts(levels: InventoryLevel[]): Promise<StockRow[]> {
    const found = await products.summariesBySku(levels.map((l) => l.sku));
    return levels.map((l) => {
      const p = found.get(l.sku);
      return { ...l, product: p ? { id: p.productId, name: p.name, imageUrl: p.imageUrl } : null };
    });
  }

  async function page(
    kind: 'list' | 'low',
    input: { cursor?: string; limit?: number },
    query: (after: CursorValue[] | undefined) => { filter: Filter<InventoryDocument>; sort: Record<string, 1> },
    cursorOf: (doc: InventoryLevel) => string,
    shape: readonly ('string' | 'number')[],
  ): Promise<StockPage> {
    const limit = parseLimit(input.limit, DEFAULT_STOCK_LIMIT);
    const cursor = input.cursor || null;
    const after = decodeCursor(cursor, kind === 'list' ? LIST_CURSOR : LOW_CURSOR, shape);
    const { g, inventory } = await open();
    const key = await cache.listKey('inventory', g, kind, JSON.stringify([cursor, limit]));
    const levels = await cache.getOrLoad<{ items: InventoryLevel[]; nextCursor: string | null }>(key, async () => {
      const { filter, sort } = query(after);
      const docs = await inventory.find(filter, { sort, limit: limit + 1 }).toArray();
      const rows = docs.slice(0, limit).map(toLevel);
      const last = rows.at(-1);
      return { items: rows, nextCursor: docs.length > limit && last ? cursorOf(last) : null };
    });
    if (!levels) return { items: [], nextCursor: null };
    return { items: await withProducts(levels.items), nextCursor: levels.nextCursor };
  }

  return {
    async bySku(sku) {
      const id = parseId(sku, 'sku');
      const { g, inventory } = await open();
      return cache.getOrLoad<InventoryLevel>(cache.key('inventory', g, 'id', id), async () => {
        const doc = await inventory.findOne({ _id: id });
        return doc ? toLevel(doc) : null;
      });
    },

    list(input = {}) {
      return page(
        'list',
        input,
        (after) => ({ filter: stockListFilter(after), sort: { _id: 1 } }),
        (l) => encodeCursor(LIST_CURSOR, [l.sku]),
        ['string'],
      );
    },

    low(input = {}) {
      return page(
        'low',
        input,
        (after) => ({ filter: lowStockFilter(after), sort: { available: 1, _id: 1 } }),
        (l) => encodeCursor(LOW_CURSOR, [l.available, l.sku]),
        ['number', 'string'],
      );
    },
  };
}
