/**
 * Order queries over the `orders` read model (one document per order, with its lines, payment and timeline): an order
 * by id, and a customer's orders newest first with keyset pagination.
 *
 * An order is returned as its document without the internal `_`-fields, plus `id` (= orderId). `version` is the
 * order aggregate's version, so the gateway can wait for read-your-writes (`?minVersion=`): the by-id entry is cached
 * under `rm:orders:g<N>:id:<orderId>`, the key the orders worker deletes as soon as it wrote a newer version.
 * Customer pages are cached under list keys, which any change to the generation retires.
 */
import type { Filter } from 'mongodb';
import type { QueryContext } from '../queries.ts';
import { type CursorValue, decodeCursor, encodeCursor, parseId, parseLimit } from '../query-input.ts';
import type { OrderDocument, OrderStatus } from './orders.projection.ts';

/** The document without its internal `_`-fields (`_id`, and the `_v` version guards the runtime adds), plus `id`. */
export type Order = Omit<OrderDocument, '_id'> & { id: string };

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
export function toOrder(doc: OrderDocument): Order {
  const order: Record<string, unknown> = { id: doc.orderId };
  for (const [field, value] of Object.entries(doc)) if (!field.startsWith('_')) order[field] = value;
  return order as Order;
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

export function createOrderQueries(ctx: QueryContext): OrderQueries {
  const { cache } = ctx;
  const open = async () => {
    const g = await ctx.generation('orders');
    return { g, orders: ctx.collection<OrderDocument>('orders', g) };
  };

  return {
    async byId(orderId) {
      const id = parseId(orderId, 'orderId');
      const { g, orders } = await open();
      return cache.getOrLoad<Order>(cache.key('orders', g, 'id', id), async () => {
        const doc = await orders.findOne({ _id: id });
        return doc ? toOrder(doc) : null;
      });
    },

    async byCustomer(customerId, page = {}) {
      const customer = parseId(customerId, 'customerId');
      const limit = parseLimit(page.limit, DEFAULT_ORDERS_LIMIT);
      const cursor = page.cursor || null;
      const after = decodeCursor(cursor, CUSTOMER_CURSOR, ['number', 'string']);
      const { g, orders } = await open();
      const key = await cache.listKey('orders', g, 'customer', JSON.stringify([customer, cursor, limit]));
      const result = await cache.getOrLoad<OrderPage>(key, async () => {
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
      return result ?? { items: [], nextCursor: null };
    },

    async openUnpaidIds(customerId, limit) {
      const customer = parseId(customerId, 'customerId');
      const { orders } = await open();
      // Not cached: it guards placing an order, so it reads the freshest documents (as products.bySkus does).
      // Flat equality + $in on the customer_newest index prefix: a shape FerretDB 1.x runs as MongoDB does.
      const filter: Filter<OrderDocument> = { customerId: customer, status: { $in: [...OPEN_UNPAID_STATUSES] } };
      const docs = await orders.find(filter, { projection: { _id: 1 }, limit }).toArray();
      return docs.map((d) => d._id);
    },
  };
}
