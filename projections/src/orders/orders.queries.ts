/**
 * Order queries over the `orders` read model (one document per order, with its lines, payment and timeline): an order
 * by id, and a customer's orders newest first with keyset pagination.
 *
 * Each line also shows its product's current name and image, joined from the `products` model at read time (after
 * the cache, per SKU, see `summariesBySku`) rather than copied into the order: nothing of the catalog is stored
 * twice, so a rebuild of either model, in either order, gives the same view, and a renamed product or a new image
 * shows on every order at once. What was charged stays the order's own (`unitPrice`); a SKU that has no product
 * (any more) shows `name: null`.
 *
 * An order is returned as its document without the internal `_`-fields, plus `id` (= orderId). `version` is the
 * order aggregate's version, so the gateway can wait for read-your-writes (`?minVersion=`): the by-id entry is cached
 * under `rm:orders:g<N>:id:<orderId>`, the key the orders worker deletes as soon as it wrote a newer version.
 * Customer pages are cached under list keys, which any change to the generation retires.
 */
import type { OrderStatus } from '@streamshop/schemas/order-status';
import type { Filter } from 'mongodb';
import type { ProductQueries } from '../products/products.queries.ts';
import type { QueryContext } from '../queries.ts';
import { type CursorValue, decodeCursor, encodeCursor, MAX_LIMIT, parseId, parseLimit } from '../query-input.ts';
import type { OrderDocument } from './orders.projection.ts';

/** The document without its internal `_`-fields (`_id`, and the `_v` version guards the runtime adds), plus `id`. */
export type StoredOrder = Omit<OrderDocument, '_id'> & { id: string };

/** An order line with its product's name and image (null when the SKU has no product). */
export type OrderLine = OrderDocument['lines'][number] & { name: string | null; imageUrl: string | null };

/** An order as callers see it: the stored order, its lines with their products' names and images. */
export type Order = Omit<StoredOrder, 'lines'> & { lines: OrderLine[] };

export interface OrderPage {
  items: Order[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface OrderQueries {
  byId(orderId: string): Promise<Order | null>;
  /** The customer's orders, newest first (`placedAt` desc, then `_id`). */
  byCustomer(customerId: string, page?: { cursor?: string; limit?: number }): Promise<OrderPage>;
  /** Ids of the customer's orders neither paid nor cancelled yet, at most `limit` (the gateway's hoarding cap). */
  openUnpaidIds(customerId: string, limit: number): Promise<string[]>;
}

/** An order in one of these is placed and not yet paid, and not cancelled: it holds (or is reserving) stock. */
export const OPEN_UNPAID_STATUSES = [
  'placed',
  'reserved',
  'payment_requested',
] as const satisfies readonly OrderStatus[];

export const DEFAULT_ORDERS_LIMIT = 20;
const CUSTOMER_CURSOR = 'orders:customer';

/** The document as callers see it: no internal `_`-fields (`_id`, version guards), `id` first. */
export function toOrder(doc: OrderDocument): StoredOrder {
  const order: Record<string, unknown> = { id: doc.orderId };
  for (const [field, value] of Object.entries(doc)) if (!field.startsWith('_')) order[field] = value;
  return order as StoredOrder;
}

type Summaries = Pick<ProductQueries, 'summariesBySku'>;

/** The orders with each line's product name and image, in one lookup for all their SKUs. */
export async function withProducts(products: Summaries, orders: StoredOrder[]): Promise<Order[]> {
  // `?? []`: a cached entry is whatever was stored under its key (tests plant partial ones); never fail on it.
  const skus = [...new Set(orders.flatMap((o) => (o.lines ?? []).map((l) => l.sku)))];
  const found = new Map<string, { name: string; imageUrl: string | null }>();
  // summariesBySku takes at most MAX_LIMIT SKUs: a page of orders can name more.
  for (let i = 0; i < skus.length; i += MAX_LIMIT) {
    for (const [sku, p] of await products.summariesBySku(skus.slice(i, i + MAX_LIMIT))) found.set(sku, p);
  }
  return orders.map((o) => ({
    ...o,
    lines: (o.lines ?? []).map((l) => ({
      ...l,
      name: found.get(l.sku)?.name ?? null,
      imageUrl: found.get(l.sku)?.imageUrl ?? null,
    })),
  }));
}

/** A customer's orders after the cursor position (`placedAt` desc, `_id` asc). */
export function customerFilter(customerId: string, after: CursorValue[] | undefined): Filter<OrderDocument> {
  if (after === undefined) return { customerId };
  const [placedAt, id] = after as [number, string];
  return { customerId, $or: [{ placedAt: { $lt: placedAt } }, { placedAt, _id: { $gt: id } }] };
}

export function customerCursorAfter(doc: Pick<OrderDocument, '_id' | 'placedAt'>): string {
  return encodeCursor(CUSTOMER_CURSOR, [doc.placedAt, doc._id]);
}

export function createOrderQueries(ctx: QueryContext, products: Summaries): OrderQueries {
  const { cache } = ctx;
  const open = async () => {
    const g = await ctx.generation('orders');
    return { g, orders: ctx.collection<OrderDocument>('orders', g) };
  };

  return {
    async byId(orderId) {
      const id = parseId(orderId, 'orderId');
      const { g, orders } = await open();
      const order = await cache.getOrLoad<StoredOrder>(cache.key('orders', g, 'id', id), async () => {
        const doc = await orders.findOne({ _id: id });
        return doc ? toOrder(doc) : null;
      });
      return order ? ((await withProducts(products, [order]))[0] ?? null) : null;
    },

    async byCustomer(customerId, page = {}) {
      const customer = parseId(customerId, 'customerId');
      const limit = parseLimit(page.limit, DEFAULT_ORDERS_LIMIT);
      const cursor = page.cursor || null;
      const after = decodeCursor(cursor, CUSTOMER_CURSOR, ['number', 'string']);
      const { g, orders } = await open();
      const key = await cache.listKey('orders', g, 'customer', JSON.stringify([customer, cursor, limit]));
      const result = await cache.getOrLoad<{ items: StoredOrder[]; nextCursor: string | null }>(key, async () => {
        const docs = await orders
          .find(customerFilter(customer, after), { sort: { placedAt: -1, _id: 1 }, limit: limit + 1 })
          .toArray();
        const rows = docs.slice(0, limit);
        const last = rows.at(-1);
        return {
          items: rows.map(toOrder),
          nextCursor: docs.length > limit && last ? customerCursorAfter(last) : null,
        };
      });
      if (!result) return { items: [], nextCursor: null };
      return { items: await withProducts(products, result.items), nextCursor: result.nextCursor };
    },

    async openUnpaidIds(customerId, limit) {
      const customer = parseId(customerId, 'customerId');
      const { orders } = await open();
      // Not cached: it guards placing an order, so it reads the freshest documents (as products.bySkus does).
      // Equality on customer_newest's leading field: an indexed search on MongoDB and on the stack's patched
      // FerretDB (docs/stack.md), so the cap costs the same at 200 orders and at 200,000.
      const filter: Filter<OrderDocument> = { customerId: customer, status: { $in: [...OPEN_UNPAID_STATUSES] } };
      const docs = await orders.find(filter, { projection: { _id: 1 }, limit }).toArray();
      return docs.map((d) => d._id);
    },
  };
}
