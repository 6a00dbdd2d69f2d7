/**
 * The admin API's shapes as /admin reads and sends them. The gateway's TypeBox schemas are the single source
 * (gateway/src/schemas/admin-commands.ts and admin-queries.ts, types only through `@streamshop/gateway/schemas`);
 * where a schema has not landed yet the shape below is the route's documented contract, to be replaced by the
 * import as it lands.
 */
import type { Money, Order, OrderStatus } from './types.ts';

// ---- commands (admin-commands.ts) ----

export interface CreateProductBody {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: Money;
  imageUrl: string | null;
}

export type UpdateProductDetailsBody = Partial<
  Pick<CreateProductBody, 'name' | 'description' | 'category' | 'imageUrl'>
>;

export interface ChangePriceBody {
  price: Money;
}

export interface ReceiveStockBody {
  quantity: number;
  reference: string;
}

/** A count correction: either a signed delta or the counted units on hand, and always why. */
export type AdjustStockBody = ({ quantity: number } | { newOnHand: number }) & { reason: string };

export interface ThresholdBody {
  threshold: number;
}

export interface ShipOrderBody {
  carrier: string;
  trackingNumber: string;
}

export interface RefundBody {
  amount?: Money;
  lines?: { line: number; quantity: number }[];
  restock?: boolean;
  reason: string;
}

/** What a command route answers once the aggregate accepted it (202). */
export interface AdminCommandAccepted {
  status?: 'accepted' | 'pending';
  version?: number;
}

// ---- queries (admin-queries.ts) ----

export type AdminOrderSort = 'placedAt_desc' | 'placedAt_asc' | 'total_desc' | 'total_asc';

export type AdminOrderSummary = Pick<Order, 'id' | 'customerId' | 'status' | 'total' | 'placedAt'> & {
  customerEmail?: string | null;
  customerName?: string | null;
};

export interface AdminOrderPage {
  items: AdminOrderSummary[];
  nextCursor: string | null;
}

export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  threshold: number;
  name?: string | null;
}

export interface StockPage {
  items: StockLevel[];
  nextCursor: string | null;
}

export interface Dashboard {
  from: string;
  to: string;
  perDay: { day: string; orders: number; revenue: Money; refunds: Money; net: Money }[];
  orders: number;
  revenue: Money;
  refunds: Money;
  net: Money;
  averageOrderValue: Money | null;
  topSkus: { sku: string; name?: string | null; quantity: number; revenue: Money }[];
}

export interface Customer {
  id: string;
  name: string | null;
  email: string | null;
  createdAt?: string;
  orders?: number;
}

export interface CustomerPage {
  items: Customer[];
  nextCursor: string | null;
}

// ---- CSV import (admin-import.routes.ts) ----

export interface ImportReport {
  rows: number;
  imported: number;
  unchanged: number;
  failed: { row: number; sku?: string; errors: string[] }[];
}

export type { OrderStatus };
