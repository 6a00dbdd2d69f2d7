/**
 * Admin-only customer queries over the `users` read model (the Clerk users the user service recorded): the list and
 * search by name or e-mail, one customer with what their orders add up to, and their orders.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { GatewayContext } from '../app.ts';
import { bearerAuth } from '../plugins/auth.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { CustomerListQuery, CustomerPage, CustomerProfile } from '../schemas/admin-queries.ts';
import { IdParams, problems } from '../schemas/common.ts';
import { OrderListQuery, OrderPage } from '../schemas/orders.ts';
import { customerProfileView, customerView, orderView } from './views.ts';

export const adminCustomersRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, { queries }) => {
  const admin = { auth: 'admin' as const };
  const schema = { tags: ['admin'], security: bearerAuth };

  app.get(
    '/api/admin/customers',
    {
      config: admin,
      schema: {
        ...schema,
        summary: 'Customers by name, or those whose name or e-mail contains q',
        querystring: CustomerListQuery,
        response: { 200: CustomerPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await queries.users.search(request.query);
      return { items: page.items.map(customerView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/admin/customers/:id',
    {
      config: admin,
      schema: {
        ...schema,
        summary: "A customer's profile, with how many orders they placed and paid and what they spent",
        params: IdParams,
        response: { 200: CustomerProfile, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const [customer, stats] = await Promise.all([queries.users.byId(id), queries.adminOrders.customerStats(id)]);
      if (!customer) throw new HttpProblem(404, 'customer_not_found', `no customer ${id}`);
      return customerProfileView(customer, stats);
    },
  );

  app.get(
    '/api/admin/customers/:id/orders',
    {
      config: admin,
      schema: {
        ...schema,
        summary: "A customer's orders, newest first",
        params: IdParams,
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await queries.orders.byCustomer(request.params.id, request.query);
      return { items: page.items.map(orderView), nextCursor: page.nextCursor };
    },
  );
};
