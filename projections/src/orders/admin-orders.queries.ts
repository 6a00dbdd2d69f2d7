/**
 * The admin's order queries over the `orders` read model: every order with filters (status, placed-date range,
 * customer, free text), sorted by when it was placed or by total, with keyset pagination; and what one customer's
 * orders add up to.
 *
 * The free text matches a substring of the order id, or of a customer's name or e-mail. Customers' e-mails live in
 * the `users` model, not on the order: the query first finds the ids of the matching customers there, then the
 * orders of those ids. Nothing of a customer is copied into orders, so a rebuild of either model gives the same
 * answers, and a changed e-mail is found at once. Each item names its customer the same way (one lookup per page).
 *
 * Not cached: few people make these reads and they want what was just recorded (an order they just shipped).
 */

import { ORDER_STATUSES, type OrderStatus } from '@streamshop/schemas/order-status';
import type { Money } from '@streamshop/schemas/types';
import type { Filter, Sort } from 'mongodb';
import type { QueryContext } from '../queries.ts';
import {
  type CursorValue,
  decodeCursor,
  encodeCursor,
  escapeRegExp,
  parseChoice,
  parseId,
  parseLimit,
  parseOpenDayRange,
  parseText,
  QueryInputError,
} from '../query-input.ts';
import type { UserQueries } from '../users/users.queries.ts';
import { type OrderDocument, type RefundStatus, refundStatusOf } from './orders.projection.ts';

export const ADMIN_ORDER_SORTS = ['placed_desc', 'placed_asc', 'total_desc', 'total_asc'] as const;
export type AdminOrderSort = (typeof ADMIN_ORDER_SORTS)[number];

/** Statuses in which the order's payment was captured: what the customer spent. */
export const PAID_STATUSES = [
  'paid',
  'confirmed',
  'shipped',
  'delivered',
  'refunded',
] as const satisfies readonly OrderStatus[];

export interface AdminOrderSearch {
  status?: string;
  /** Placed on or after this UTC day (`YYYY-MM-DD`). */
  from?: string;
  /** Placed on or before this UTC day. */
  to?: string;
  customerId?: string;
  /** Substring of the order id, or of the customer's name or e-mail (case-insensitive). */
  q?: string;
  sort?: string;
  cursor?: string;
  limit?: number;
}

export interface AdminOrderSummary {
  id: string;
  customerId: string;
  /** The customer as the `users` model knows them; null when it has no document for the id. */
  customer: { name: string | null; email: string | null } | null;
  status: OrderStatus;
  total: Money;
  /** Refunded so far; null before any refund. */
  refunded: Money | null;
  refundStatus: RefundStatus;
  paymentProvider: OrderDocument['paymentProvider'];
  /** Units ordered, over all lines. */
  items: number;
  placedAt: number;
  updatedAt: number;
}

export interface AdminOrderPage {
  items: AdminOrderSummary[];
  nextCursor: string | null;
}

export interface CustomerOrderStats {
  orders: number;
  /** Orders whose payment was captured. */
  paidOrders: number;
  /** What the paid orders came to, less what was refunded of them. */
  spent: Money;
  refunded: Money;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
}

export interface AdminOrderQueries {
  search(input?: AdminOrderSearch): Promise<AdminOrderPage>;
  customerStats(customerId: string): Promise<CustomerOrderStats>;
}

export const DEFAULT_ADMIN_ORDERS_LIMIT = 25;
/** A text search matching more customers than this is too vague to be one; their first ones are searched. */
export const MAX_MATCHED_CUSTOMERS = 500;

const SORTS = {
  placed_desc: { field: 'placedAt', direction: -1 },
  placed_asc: { field: 'placedAt', direction: 1 },
  total_desc: { field: 'total.amount', direction: -1 },
  total_asc: { field: 'total.amount', direction: 1 },
} as const satisfies Record<AdminOrderSort, { field: string; direction: 1 | -1 }>;

export interface NormalizedAdminSearch {
  status: OrderStatus | null;
  startMs: number | null;
  endMs: number | null;
  customerId: string | null;
  q: string | null;
  sort: AdminOrderSort;
  after: CursorValue[] | undefined;
  limit: number;
}

export function normalizeAdminSearch(input: AdminOrderSearch = {}): NormalizedAdminSearch {
  const sort = parseChoice(input.sort, ADMIN_ORDER_SORTS, 'placed_desc', 'sort');
  let status: OrderStatus | null = null;
  if (input.status !== undefined && input.status !== '') {
    if (!(ORDER_STATUSES as readonly unknown[]).includes(input.status)) {
      throw new QueryInputError('invalid_query', `status must be one of ${ORDER_STATUSES.join(', ')}`, 'status');
    }
    status = input.status as OrderStatus;
  }
  const { startMs, endMs } = parseOpenDayRange(input);
  return {
    status,
    startMs,
    endMs,
    customerId: input.customerId ? parseId(input.customerId, 'customerId') : null,
    q: parseText(input.q, 'q'),
    sort,
    after: decodeCursor(input.cursor || null, `admin-orders:${sort}`, ['number', 'string']),
    limit: parseLimit(input.limit, DEFAULT_ADMIN_ORDERS_LIMIT),
  };
}

/**
 * The filter of a search: the flat equality and range conditions, the text as "id contains q, or the customer is one
 * of `matchedCustomers`", and the keyset position, joined by `$and` (shapes FerretDB 1.24 runs as MongoDB does).
 */
export function adminOrdersFilter(s: NormalizedAdminSearch, matchedCustomers: string[] = []): Filter<OrderDocument> {
  const base: Filter<OrderDocument> = {};
  if (s.status !== null) base.status = s.status;
  if (s.customerId !== null) base.customerId = s.customerId;
  if (s.startMs !== null || s.endMs !== null) {
    base.placedAt = {
      ...(s.startMs !== null ? { $gte: s.startMs } : {}),
      ...(s.endMs !== null ? { $lt: s.endMs } : {}),
    };
  }
  const parts: Filter<OrderDocument>[] = [base];
  if (s.q !== null) {
    const byId: Filter<OrderDocument> = { _id: { $regex: escapeRegExp(s.q), $options: 'i' } };
    parts.push(matchedCustomers.length > 0 ? { $or: [byId, { customerId: { $in: matchedCustomers } }] } : byId);
  }
  if (s.after !== undefined) {
    const { field, direction } = SORTS[s.sort];
    const [value, id] = s.after as [number, string];
    parts.push({
      $or: [{ [field]: { [direction === 1 ? '$gt' : '$lt']: value } }, { [field]: value, _id: { $gt: id } }],
    });
  }
  return parts.length === 1 ? base : { $and: parts };
}

export function adminOrdersSort(sort: AdminOrderSort): Sort {
  const { field, direction } = SORTS[sort];
  return { [field]: direction, _id: 1 };
}

export function adminOrdersCursorAfter(doc: Pick<OrderDocument, '_id' | 'placedAt' | 'total'>, sort: AdminOrderSort) {
  const value = SORTS[sort].field === 'placedAt' ? doc.placedAt : doc.total.amount;
  return encodeCursor(`admin-orders:${sort}`, [value, doc._id]);
}

type SummaryRow = Pick<
  OrderDocument,
  | '_id'
  | 'customerId'
  | 'status'
  | 'total'
  | 'refund'
  | 'payment'
  | 'paymentProvider'
  | 'lines'
  | 'placedAt'
  | 'updatedAt'
>;

const SUMMARY_FIELDS = {
  _id: 1,
  customerId: 1,
  status: 1,
  total: 1,
  refund: 1,
  payment: 1,
  paymentProvider: 1,
  lines: 1,
  placedAt: 1,
  updatedAt: 1,
} as const;

export function toAdminSummary(doc: SummaryRow, customer: AdminOrderSummary['customer']): AdminOrderSummary {
  return {
    id: doc._id,
    customerId: doc.customerId,
    customer,
    status: doc.status,
    total: doc.total,
    refunded: doc.refund?.amount ?? null,
    refundStatus: refundStatusOf({ refund: doc.refund ?? null, payment: doc.payment ?? null, total: doc.total }),
    paymentProvider: doc.paymentProvider,
    items: doc.lines.reduce((n, l) => n + l.quantity, 0),
    placedAt: doc.placedAt,
    updatedAt: doc.updatedAt,
  };
}

/** What a customer's orders add up to (pure, over their documents). */
export function customerOrderStats(docs: Pick<OrderDocument, 'status' | 'total' | 'refund' | 'placedAt'>[]) {
  const currency = docs[0]?.total.currency ?? 'EUR';
  const paid = docs.filter((d) => (PAID_STATUSES as readonly string[]).includes(d.status));
  const refunded = paid.reduce((n, d) => n + (d.refund?.amount.amount ?? 0), 0);
  const gross = paid.reduce((n, d) => n + d.total.amount, 0);
  const times = docs.map((d) => d.placedAt);
  return {
    orders: docs.length,
    paidOrders: paid.length,
    spent: { amount: gross - refunded, currency },
    refunded: { amount: refunded, currency },
    firstOrderAt: times.length > 0 ? Math.min(...times) : null,
    lastOrderAt: times.length > 0 ? Math.max(...times) : null,
  } satisfies CustomerOrderStats;
}

export function createAdminOrderQueries(ctx: QueryContext, users: UserQueries): AdminOrderQueries {
  const open = async () => ctx.collection<OrderDocument>('orders', await ctx.generation('orders'));

  return {
    async search(input) {
      const s = normalizeAdminSearch(input);
      const matched = s.q === null ? [] : await users.idsMatching(s.q, MAX_MATCHED_CUSTOMERS);
      const orders = await open();
      const docs = (await orders
        .find(adminOrdersFilter(s, matched), {
          projection: SUMMARY_FIELDS,
          sort: adminOrdersSort(s.sort),
          limit: s.limit + 1,
        })
        .toArray()) as SummaryRow[];
      const rows = docs.slice(0, s.limit);
      const customers = await users.byIds([...new Set(rows.map((r) => r.customerId))]);
      const last = rows.at(-1);
      return {
        items: rows.map((r) => {
          const c = customers.get(r.customerId);
          return toAdminSummary(r, c ? { name: c.name, email: c.email } : null);
        }),
        nextCursor: docs.length > s.limit && last ? adminOrdersCursorAfter(last, s.sort) : null,
      };
    },

    async customerStats(customerId) {
      const id = parseId(customerId, 'customerId');
      const orders = await open();
      const docs = await orders
        .find({ customerId: id }, { projection: { _id: 0, status: 1, total: 1, refund: 1, placedAt: 1 } })
        .toArray();
      return customerOrderStats(docs as Pick<OrderDocument, 'status' | 'total' | 'refund' | 'placedAt'>[]);
    },
  };
}
