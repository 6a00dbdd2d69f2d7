/**
 * HTTP schemas of the admin's queries (`admin.routes.ts`, `admin-customers.routes.ts`): the order list with its
 * filters, the stock lists, the sales dashboard and the customers. The storefront's /admin pages speak these types.
 */
import { type Static, Type } from 'typebox';
import { Cursor, Id, IsoTime, Money } from './common.ts';
import { OrderStatus, PaymentProviderName, RefundStatus } from './orders.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Limit = Type.Integer({ minimum: 1, maximum: 100 });

export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'UTC calendar day YYYY-MM-DD' });

export const AdminOrderSort = Type.Union(
  [Type.Literal('placed_desc'), Type.Literal('placed_asc'), Type.Literal('total_desc'), Type.Literal('total_asc')],
  { description: 'By when the order was placed or by its total; default placed_desc (newest first).' },
);
export type AdminOrderSort = Static<typeof AdminOrderSort>;

export const AdminOrderListQuery = Type.Object(
  {
    status: Type.Optional(OrderStatus),
    from: Type.Optional(Type.String({ ...Day, description: 'Placed on or after this UTC day (YYYY-MM-DD).' })),
    to: Type.Optional(Type.String({ ...Day, description: 'Placed on or before this UTC day (YYYY-MM-DD).' })),
    customerId: Type.Optional(Id),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: "Part of the order id, or of the customer's name or e-mail (case-insensitive).",
      }),
    ),
    sort: Type.Optional(AdminOrderSort),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export type AdminOrderListQuery = Static<typeof AdminOrderListQuery>;

export const AdminOrderSummary = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    customer: Nullable(Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()) })),
    status: OrderStatus,
    total: Money,
    refunded: Nullable(Money),
    refundStatus: RefundStatus,
    paymentProvider: PaymentProviderName,
    items: Type.Integer({ description: 'Units ordered, over all lines.' }),
    placedAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'AdminOrderSummary' },
);
export type AdminOrderSummary = Static<typeof AdminOrderSummary>;

export const AdminOrderPage = Type.Object({
  items: Type.Array(AdminOrderSummary),
  nextCursor: Nullable(Type.String()),
});
export type AdminOrderPage = Static<typeof AdminOrderPage>;

export const PageQuery = Type.Object(
  { cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  { additionalProperties: false },
);

export const StockLevel = Type.Object(
  {
    sku: Type.String(),
    onHand: Type.Integer({ description: 'Units physically in stock, reserved ones included.' }),
    reserved: Type.Integer({ description: 'Units held by open reservations.' }),
    available: Type.Integer({ description: 'Units that can still be reserved.' }),
    threshold: Type.Integer({ description: 'Low-stock threshold in force (the default when none was set); 0: never.' }),
    thresholdSet: Type.Boolean({ description: 'Whether an admin set the threshold.' }),
    low: Type.Boolean({ description: 'available ≤ threshold (and threshold > 0).' }),
    updatedAt: IsoTime,
  },
  { title: 'StockLevel' },
);
export type StockLevel = Static<typeof StockLevel>;

export const StockRow = Type.Object(
  {
    ...StockLevel.properties,
    product: Nullable(Type.Object({ id: Type.String(), name: Type.String(), imageUrl: Nullable(Type.String()) })),
  },
  { title: 'StockRow' },
);
export type StockRow = Static<typeof StockRow>;

export const StockPage = Type.Object({ items: Type.Array(StockRow), nextCursor: Nullable(Type.String()) });
export type StockPage = Static<typeof StockPage>;

export const DayRangeQuery = Type.Object({ from: Day, to: Day }, { additionalProperties: false });

export const SalesDay = Type.Object({
  day: Type.String(),
  orders: Type.Integer(),
  revenue: Money,
  refunds: Money,
  net: Money,
});
export const SkuSales = Type.Object({ sku: Type.String(), quantity: Type.Integer(), revenue: Money });

export const SalesDashboard = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    perDay: Type.Array(SalesDay, { description: 'Every day of the range; net = revenue − refunds made that day.' }),
    orders: Type.Integer({ description: 'Orders confirmed in the range.' }),
    revenue: Money,
    refunds: Money,
    net: Money,
    averageOrderValue: Money,
    topSkusByRevenue: Type.Array(SkuSales),
    topSkusByUnits: Type.Array(SkuSales),
  },
  { title: 'SalesDashboard' },
);
export type SalesDashboard = Static<typeof SalesDashboard>;

export const CustomerListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or e-mail (case-insensitive).' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);

export const Customer = Type.Object(
  {
    id: Type.String(),
    name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    imageUrl: Nullable(Type.String()),
    role: Type.Union([Type.Literal('shopper'), Type.Literal('admin')]),
    deleted: Type.Boolean(),
    firstSeenAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'Customer' },
);
export type Customer = Static<typeof Customer>;

export const CustomerPage = Type.Object({ items: Type.Array(Customer), nextCursor: Nullable(Type.String()) });
export type CustomerPage = Static<typeof CustomerPage>;

export const CustomerProfile = Type.Object(
  {
    ...Customer.properties,
    stats: Type.Object({
      orders: Type.Integer(),
      paidOrders: Type.Integer({ description: 'Orders whose payment was captured.' }),
      spent: Money,
      refunded: Money,
      firstOrderAt: Nullable(IsoTime),
      lastOrderAt: Nullable(IsoTime),
    }),
  },
  { title: 'CustomerProfile' },
);
export type CustomerProfile = Static<typeof CustomerProfile>;
