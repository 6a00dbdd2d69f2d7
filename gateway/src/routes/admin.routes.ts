/**
 * Admin-only queries, all from read models: every order (filters, sort, cursor paging) and any one order, the stock
 * (every SKU, the low ones, one SKU), sales per day and per SKU and the dashboard over a date range. Customers are in
 * `admin-customers.routes.ts`; the admin's commands in the `admin-*.routes.ts` beside them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { GatewayContext } from '../app.ts';
import { bearerAuth } from '../plugins/auth.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import {
  AdminOrderListQuery,
  AdminOrderPage,
  DayRangeQuery,
  PageQuery,
  SalesDashboard,
  SalesDay,
  SkuSales,
  StockLevel,
  StockPage,
} from '../schemas/admin-queries.ts';
import { Id, IdParams, problems } from '../schemas/common.ts';
import { Order } from '../schemas/orders.ts';
import { adminOrderSummaryView, orderView, stockLevelView } from './views.ts';

export const adminRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, { queries }) => {
  const admin = { auth: 'admin' as const };
  const schema = { tags: ['admin'], security: bearerAuth };

  app.get(
    '/api/admin/sales',
    {
      config: admin,
      schema: {
        ...schema,
        summary: 'Sales per day and per SKU (confirmed orders, refunds deducted), days inclusive (UTC)',
        querystring: DayRangeQuery,
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            perDay: Type.Array(SalesDay),
            perSku: Type.Array(SkuSales),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const range = request.query;
      const [perDay, perSku] = await Promise.all([queries.sales.perDay(range), queries.sales.perSku(range)]);
      return { ...range, perDay, perSku };
    },
  );

  app.get(
    '/api/admin/dashboard',
    {
      config: admin,
      schema: {
        ...schema,
        summary:
          'Sales dashboard over a range of UTC days: revenue net of refunds per day, order count, average order ' +
          'value, top SKUs by revenue and by units, refunds',
        querystring: DayRangeQuery,
        response: { 200: SalesDashboard, ...problems(400, 401, 403) },
      },
    },
    async (request) => ({ ...request.query, ...(await queries.sales.dashboard(request.query)) }),
  );

  app.get(
    '/api/admin/orders',
    {
      config: admin,
      schema: {
        ...schema,
        summary: 'Every order, filtered (status, placed-date range, customer, id or e-mail text), sorted and paged',
        querystring: AdminOrderListQuery,
        response: { 200: AdminOrderPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await queries.adminOrders.search(request.query);
      return { items: page.items.map(adminOrderSummaryView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/admin/orders/:id',
    {
      config: admin,
      schema: {
        ...schema,
        summary: 'Any order',
        params: IdParams,
        response: { 200: Order, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const order = await queries.orders.byId(request.params.id);
      if (!order) throw new HttpProblem(404, 'order_not_found', `no order ${request.params.id}`);
      return orderView(order);
    },
  );

  app.get(
    '/api/admin/stock',
    {
      config: admin,
      schema: {
        ...schema,
        summary: "Every SKU's stock levels and low-stock threshold, by SKU",
        querystring: PageQuery,
        response: { 200: StockPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await queries.inventory.list(request.query);
      return { items: page.items.map(stockLevelView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/admin/stock/low',
    {
      config: admin,
      schema: {
        ...schema,
        summary: 'SKUs whose available stock is at or below their low-stock threshold, fewest available first',
        querystring: PageQuery,
        response: { 200: StockPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await queries.inventory.low(request.query);
      return { items: page.items.map(stockLevelView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/admin/inventory/:sku',
    {
      config: admin,
      schema: {
        ...schema,
        summary: "A SKU's stock levels",
        params: Type.Object({ sku: Id }, { additionalProperties: false }),
        response: { 200: StockLevel, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const level = await queries.inventory.bySku(request.params.sku);
      if (!level) throw new HttpProblem(404, 'sku_not_found', `no stock recorded for ${request.params.sku}`);
      return stockLevelView(level);
    },
  );
};
