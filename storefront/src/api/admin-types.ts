/**
 * The admin API's shapes as /admin reads and sends them. The gateway's TypeBox schemas are the single source
 * (gateway/src/schemas/admin-commands.ts, admin-queries.ts and admin-import.ts): these are their static types,
 * through the types-only `@streamshop/gateway/schemas`, so nothing of the gateway reaches the browser bundle.
 */
import type { OrderCommandAccepted } from '@streamshop/gateway/schemas';

// ---- commands (admin-commands.ts) ----

export type {
  AdjustStockBody,
  ChangePriceBody,
  CreateProductBody,
  OrderCommandAccepted,
  ProductCommandAccepted,
  ReceiveStockBody,
  RefundBody,
  ShipOrderBody,
  StockCommandAccepted,
  ThresholdBody,
  UpdateProductDetailsBody,
} from '@streamshop/gateway/schemas';

/** What every admin command route's 202 says, whichever aggregate it went to: decided or still queued. */
export type AdminCommandAccepted = Pick<OrderCommandAccepted, 'status' | 'version'>;

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

// ---- CSV import (admin-import.ts) ----

export type { ProductImportReport as ImportReport } from '@streamshop/gateway/schemas';
