/**
 * The query side of the read models (docs/read-models.md): what the gateway calls to read products, orders,
 * inventory, sales and customers (the admin's lists among them). Framework-free: plain async functions over a MongoDB `Db` and the Redis read-through cache,
 * so HTTP concerns (schemas, status codes) stay in the gateway.
 *
 * Every query resolves the model's active generation once and reads only `<model>__g<N>` of that generation, with
 * cache keys that carry N: during a rebuild readers keep reading the old generation, and the switch moves them all
 * to the new one at once (no key of the old generation can be served for the new one).
 */
import type { ReadCache, ReadModelName } from '@streamshop/read-cache';
import type { Collection, Db, Document } from 'mongodb';
import type { Logger } from 'pino';
import { createInventoryQueries, type InventoryQueries } from './inventory/inventory.queries.ts';
import { createInvoiceQueries, type InvoiceQueries } from './invoices/invoices.queries.ts';
import { createNotificationQueries, type NotificationQueries } from './notifications/notifications.queries.ts';
import { type AdminOrderQueries, createAdminOrderQueries } from './orders/admin-orders.queries.ts';
import { createOrderQueries, type OrderQueries } from './orders/orders.queries.ts';
import { createProductQueries, type ProductQueries } from './products/products.queries.ts';
import { createSalesQueries, type SalesQueries } from './sales/sales.queries.ts';
import { createUserQueries, type UserQueries } from './users/users.queries.ts';

export { ORDER_STATUSES, type OrderStatus } from '@streamshop/schemas/order-status';
export { DEFAULT_LOW_STOCK_THRESHOLD } from './inventory/inventory.projection.ts';
export type { InventoryLevel, InventoryQueries, StockPage, StockRow } from './inventory/inventory.queries.ts';
export type { InvoiceQueries, OrderInvoices } from './invoices/invoices.queries.ts';
export {
  NOTIFICATION_STATUSES,
  type NotificationStatus,
} from './notifications/notifications.projection.ts';
export type { Notification, NotificationQueries } from './notifications/notifications.queries.ts';
export {
  ADMIN_ORDER_SORTS,
  type AdminOrderPage,
  type AdminOrderQueries,
  type AdminOrderSearch,
  type AdminOrderSort,
  type AdminOrderSummary,
  type CustomerOrderStats,
} from './orders/admin-orders.queries.ts';
export { type RefundStatus, refundStatusOf } from './orders/orders.projection.ts';
export type { Order, OrderLine, OrderPage, OrderQueries } from './orders/orders.queries.ts';
export type {
  CategoryCount,
  Product,
  ProductPage,
  ProductQueries,
  ProductSearch,
  ProductSort,
  ProductSummary,
} from './products/products.queries.ts';
export { QueryInputError, type QueryInputErrorCode } from './query-input.ts';
export type { SalesDashboard, SalesDay, SalesQueries, SalesRange, SkuSales } from './sales/sales.queries.ts';
export type { Customer, CustomerPage, CustomerSearch, UserQueries } from './users/users.queries.ts';

export interface QueryDeps {
  db: Db;
  cache: ReadCache;
  logger?: Logger;
  /**
   * Where the active generation is looked up first: the Redis mirror (`cache.activeGeneration`, one GET per query)
   * unless given. The gateway passes a `followActiveGenerations` that answers from memory between switches.
   */
  activeGeneration?: (model: ReadModelName) => Promise<number | null>;
}

export interface Queries {
  products: ProductQueries;
  orders: OrderQueries;
  inventory: InventoryQueries;
  sales: SalesQueries;
  /** Customers (the `users` model), for the admin. */
  users: UserQueries;
  /** Every order, filtered and sorted, and a customer's totals, for the admin. */
  adminOrders: AdminOrderQueries;
  /** An order's invoice and credit notes, as issued (for the PDF downloads). */
  invoices: InvoiceQueries;
  /** Every e-mail owed, sent, failed or skipped, for operators. */
  notifications: NotificationQueries;
  /** The generation queries of this model read now (Redis mirror → control document → 1). */
  generation(model: ReadModelName): Promise<number>;
}

/** What each model's queries get: the deps, and the generation resolution written once. */
export interface QueryContext {
  cache: ReadCache;
  generation(model: ReadModelName): Promise<number>;
  collection<T extends Document>(model: ReadModelName, generation: number): Collection<T>;
}

/** Collection holding one generation of a read model. */
export function readModelCollection(model: ReadModelName, generation: number): string {
  return `${model}__g${generation}`;
}

/** Collection of the per-model control documents (`{ _id: model, active, next, generations, … }`). */
export const PROJECTION_CONTROL = 'projection_control';

export function createQueries(deps: QueryDeps): Queries {
  const { db, cache, logger } = deps;
  const mirror = deps.activeGeneration ?? ((model: ReadModelName) => cache.activeGeneration(model));
  const control = db.collection<{ _id: string; active?: unknown }>(PROJECTION_CONTROL);

  async function generation(model: ReadModelName): Promise<number> {
    // The Redis mirror (or what this process holds of it); the control document is the source of truth when the
    // mirror is absent or Redis is down (null then). No control document: the model was never rebuilt, so g1.
    const mirrored = await mirror(model);
    if (mirrored !== null) return mirrored;
    const doc = await control.findOne({ _id: model }, { projection: { active: 1 } });
    const active = doc?.active;
    if (typeof active === 'number' && Number.isSafeInteger(active) && active >= 1) return active;
    logger?.debug({ model }, 'no active generation recorded; reading generation 1');
    return 1;
  }

  const ctx: QueryContext = {
    cache,
    generation,
    collection: <T extends Document>(model: ReadModelName, g: number) =>
      db.collection<T>(readModelCollection(model, g)),
  };

  const products = createProductQueries(ctx);
  const users = createUserQueries(ctx);
  return {
    products,
    orders: createOrderQueries(ctx, products),
    inventory: createInventoryQueries(ctx, products),
    sales: createSalesQueries(ctx),
    users,
    adminOrders: createAdminOrderQueries(ctx, users),
    invoices: createInvoiceQueries(ctx),
    notifications: createNotificationQueries(ctx),
    generation,
  };
}
