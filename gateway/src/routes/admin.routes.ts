/** Admin-only queries: sales per day and per SKU over a date range, any order, a SKU's stock. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { GatewayContext } from '../app.ts';
import { bearerAuth } from '../plugins/auth.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { Id, IdParams, Money, problems } from '../schemas/common.ts';
import { Order } from '../schemas/orders.ts';
import { orderView } from './views.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'UTC calendar day YYYY-MM-DD' });

export const adminRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, { queries }) => {
  const admin = { auth: 'admin' as const };

  app.get(
    '/api/admin/sales',
    {
      config: admin,
      schema: {
        tags: ['admin'],
        summary: 'Sales per day and per SKU (confirmed orders, refunds deducted), days inclusive (UTC)',
        security: bearerAuth,
        querystring: Type.Object({ from: Day, to: Day }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            perDay: Type.Array(
              Type.Object({ day: Type.String(), orders: Type.Integer(), revenue: Money, refunds: Money, net: Money }),
            ),
            perSku: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer(), revenue: Money })),
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
    '/api/admin/orders/:id',
    {
      config: admin,
      schema: {
        tags: ['admin'],
        summary: 'Any order',
        security: bearerAuth,
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
    '/api/admin/inventory/:sku',
    {
      config: admin,
      schema: {
        tags: ['admin'],
        summary: "A SKU's stock levels",
        security: bearerAuth,
        params: Type.Object({ sku: Id }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            sku: Type.String(),
            onHand: Type.Integer(),
            reserved: Type.Integer(),
            available: Type.Integer(),
            updatedAt: Type.String({ format: 'date-time' }),
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const level = await queries.inventory.bySku(request.params.sku);
      if (!level) throw new HttpProblem(404, 'sku_not_found', `no stock recorded for ${request.params.sku}`);
      return { ...level, updatedAt: new Date(level.updatedAt).toISOString() };
    },
  );
};
