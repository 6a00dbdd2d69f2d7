/**
 * Orders: the caller's orders, one order (with read-your-writes through `?minVersion=`), and the commands to place
 * and cancel one. Its live events (SSE) are in order-stream.routes.ts.
 *
 * Placing is idempotent per (customer, Idempotency-Key): the order id derives from both and the command id also from
 * the body, so a retried request is the same command (answered with its original result) and the same key with
 * another body is refused (order-placement.ts). Prices come from the products read model, never from the client (the
 * body schema strips any). Lines of one SKU are merged and capped, and so are a customer's unpaid orders. Each line
 * records the product's name and category as sold (for the invoice and e-mails), and the order the shopper's contact.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commandEnvelope, deterministicId } from '@streamshop/eventsourcing-kafka';
import type { OrderLine, PlaceOrder } from '@streamshop/schemas/types';
import type { GatewayContext } from '../app.ts';
import { bearerAuth, principalOf } from '../plugins/auth.ts';
import { idempotencyKeyReused } from '../plugins/commands.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { IdParams, problems } from '../schemas/common.ts';
import {
  CommandAccepted,
  IdempotencyHeaders,
  OptionalIdempotencyHeaders,
  Order,
  OrderByIdQuery,
  OrderListQuery,
  OrderPage,
  PlaceOrderBody,
  PlaceOrderProblems,
} from '../schemas/orders.ts';
import { orderNotFound, requireVisibleOrder, visibleOrder, waitForOrderVersion } from './order-access.ts';
import {
  contactFor,
  mergeLines,
  placeOrderFingerprint,
  requireOpenUnpaidBelow,
  requireUnitsPerSkuWithin,
} from './order-placement.ts';
import { orderView } from './views.ts';

export const ORDER_CURRENCY = 'EUR';
const MIN_VERSION_WAIT_MS = 5_000;

/** How a command about an order is answered: the order id, followed at its URL. */
export const orderAnswer = (orderId: string) => ({
  body: { orderId },
  location: `/api/orders/${orderId}`,
});

export const ordersRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { queries } = ctx;
  const commandLimit = { max: ctx.config.gateway.rateLimit.commandsPerMinute, timeWindow: 60_000 };

  app.get(
    '/api/orders',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['orders'],
        summary: "The caller's orders, newest first",
        security: bearerAuth,
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...problems(400, 401) },
      },
    },
    async (request) => {
      const page = await queries.orders.byCustomer(principalOf(request).id, request.query);
      return { items: page.items.map(orderView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/orders/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['orders'],
        summary: 'One order (its customer or an admin); ?minVersion waits (bounded) for read-your-writes',
        security: bearerAuth,
        params: IdParams,
        querystring: OrderByIdQuery,
        response: { 200: Order, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id } = request.params;
      const { minVersion } = request.query;
      let order = await visibleOrder(queries, id, principal);
      if (minVersion !== undefined && (order === null || order.version < minVersion)) {
        // Right after placing, the order may not be projected yet: wait for it. Another shopper's order waits the
        // same way as an unknown id (see waitForOrderVersion), so the 404's timing does not reveal that it exists.
        order = await waitForOrderVersion(ctx, id, principal, minVersion, MIN_VERSION_WAIT_MS);
      }
      if (!order) throw orderNotFound(id);
      reply.header('x-read-model-version', String(order.version));
      return orderView(order);
    },
  );

  app.post(
    '/api/orders',
    {
      config: { auth: 'user', rateLimit: commandLimit },
      schema: {
        tags: ['orders'],
        summary: 'Place an order (prices from the catalog; same Idempotency-Key and body → same order)',
        security: bearerAuth,
        headers: IdempotencyHeaders,
        body: PlaceOrderBody,
        response: { 202: CommandAccepted, ...problems(400, 401, 404, 429, 503), ...PlaceOrderProblems },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const key = request.headers['idempotency-key'];
      const { lines, shippingAddress, paymentProvider } = request.body;
      const merged = mergeLines(lines);
      requireUnitsPerSkuWithin(merged, ctx.config.orders.maxUnitsPerSku);

      const products = await queries.products.bySkus(merged.map((l) => l.sku));
      const unknown = lines.filter((l) => !products.has(l.sku)).map((l) => l.sku);
      if (unknown.length > 0) {
        throw new HttpProblem(422, 'unknown_sku', `not in the catalog: ${[...new Set(unknown)].join(', ')}`, {
          errors: lines.flatMap((l, i) =>
            products.has(l.sku) ? [] : [{ path: `body.lines[${i}].sku`, message: 'is not in the catalog' }],
          ),
        });
      }
      const priced: OrderLine[] = merged.map(({ sku, quantity, indices }) => {
        const product = products.get(sku)!;
        if (product.status !== 'active') {
          throw new HttpProblem(422, 'product_unavailable', `${sku} is no longer sold`, {
            errors: indices.map((i) => ({ path: `body.lines[${i}].sku`, message: 'is archived' })),
          });
        }
        if (product.price.currency !== ORDER_CURRENCY) {
          throw new HttpProblem(422, 'currency_mismatch', `${sku} is priced in ${product.price.currency}`);
        }
        return { sku, quantity, unitPrice: product.price, name: product.name, category: product.category ?? null };
      });

      const orderId = deterministicId('order', principal.id, key);
      await requireOpenUnpaidBelow(queries, principal.id, orderId, ctx.config.orders.maxOpenUnpaidPerCustomer);
      const value: PlaceOrder = {
        ...commandEnvelope({
          // The body's fingerprint binds the key to this request (see order-placement.ts).
          commandId: deterministicId('place-order', principal.id, key, placeOrderFingerprint(request.body)),
          aggregateId: orderId,
          issuedAt: Date.now(),
          idempotencyKey: key,
          actorId: principal.id,
        }),
        customerId: principal.id,
        lines: priced,
        shippingAddress: {
          name: shippingAddress.name,
          line1: shippingAddress.line1,
          line2: shippingAddress.line2 ?? null,
          postalCode: shippingAddress.postalCode,
          city: shippingAddress.city,
          region: shippingAddress.region ?? null,
          country: shippingAddress.country,
        },
        currency: ORDER_CURRENCY,
        paymentProvider,
        contact: contactFor(principal, request.headers['accept-language']),
      };
      const result = await app.sendCommand({ type: 'streamshop.orders.PlaceOrder', value });
      return app.answerCommand(reply, result, {
        ...orderAnswer(orderId),
        // Another command for an order that exists: this key was used with another body (order-placement.ts).
        rejections: { order_already_exists: () => idempotencyKeyReused('order') },
      });
    },
  );

  app.post(
    '/api/orders/:id/cancel',
    {
      config: { auth: 'user', rateLimit: commandLimit },
      schema: {
        tags: ['orders'],
        summary: 'Cancel an order that has not shipped (a paid one is refunded)',
        security: bearerAuth,
        params: IdParams,
        headers: OptionalIdempotencyHeaders,
        response: { 202: CommandAccepted, ...problems(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const order = await requireVisibleOrder(queries, request.params.id, principal);
      const byCustomer = order.customerId === principal.id;
      const key = request.headers['idempotency-key'] ?? 'cancel';
      const result = await app.sendCommand({
        type: 'streamshop.orders.CancelOrder',
        value: {
          ...commandEnvelope({
            // One cancel per order (and key): a repeated click is the same command and gets the same answer.
            commandId: deterministicId('cancel-order', order.id, key),
            aggregateId: order.id,
            issuedAt: Date.now(),
            idempotencyKey: request.headers['idempotency-key'] ?? null,
            actorId: principal.id,
          }),
          reason: byCustomer ? 'customer_request' : 'admin_request',
          by: byCustomer ? 'customer' : 'admin',
        },
      });
      return app.answerCommand(reply, result, orderAnswer(order.id));
    },
  );
};
