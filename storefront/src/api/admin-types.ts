/**
 * The admin API's shapes as /admin reads and sends them. The gateway's TypeBox schemas are the single source
 * (gateway/src/schemas/admin-commands.ts and admin-queries.ts, types only through `@streamshop/gateway/schemas`);
 * where a schema has not landed yet the shape below is the route's documented contract, to be replaced by the
 * import as it lands.
 */
import type { Money } from './types.ts';

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
  reference?: string | null;
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

export type {
  AdminOrderPage,
  AdminOrderSort,
  AdminOrderSummary,
  Customer,
  CustomerPage,
  CustomerProfile,
  SalesDashboard,
  StockLevel,
  StockPage,
  StockRow,
} from '@streamshop/gateway/schemas';

// ---- CSV import (admin-import.routes.ts) ----

export interface ImportReport {
  rows: number;
  imported: number;
  unchanged: number;
  failed: { row: number; sku?: string; errors: string[] }[];
  /** Rows sent whose decision did not come back in time (queued; a re-import shows them). */
  pending: { row: number; sku: string }[];
}
