/**
 * Back office, fulfilment and refunds: ship an order (carrier, tracking number), mark it delivered, cancel it, refund
 * it in full or in part (optionally restocking the refunded lines). Each is a command to the order's aggregate; the
 * Order decider says what its status allows (ship only once confirmed, deliver once shipped, refund only what was
 * captured and not refunded yet) and the saga does the rest (commits the reservations, asks the provider that
 * captured the payment for the refund, receives restocked units).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commandEnvelope } from '@streamshop/eventsourcing-kafka';
import type { Order } from '@streamshop/projections/queries';
import type { GatewayContext } from '../app.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import {
  AdminCancelBody,
  NoBody,
  OrderCommandAccepted,
  OrderCommandProblems,
  RefundBody,
  ShipOrderBody,
} from '../schemas/admin-commands.ts';
import { IdParams } from '../schemas/common.ts';
import { adminCommand } from './admin-commands.ts';

const orderAnswer = (orderId: string) => ({ body: { orderId }, location: `/api/admin/orders/${orderId}` });

/**
 * The amount of a refund the admin left to us: the named lines at their unit price, or all that is left of what was
 * captured. Read from the orders read model; the decider still checks it against its own record of the payment.
 */
function refundAmount(order: Order, lines: readonly { line: number; quantity: number }[] | undefined): number {
  if (lines && lines.length > 0) {
    return lines.reduce((sum, { line, quantity }) => {
      const ordered = order.lines.find((l) => l.line === line);
      if (!ordered) throw new HttpProblem(422, 'line_not_found', `order ${order.id} has no line ${line}`);
      return sum + ordered.unitPrice.amount * quantity;
    }, 0);
  }
  const captured = order.payment?.status === 'paid' ? order.payment.amount.amount : 0;
  return captured - (order.refund?.amount.amount ?? 0);
}

export const adminOrdersRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { queries } = ctx;
  const route = <B extends typeof NoBody | typeof ShipOrderBody | typeof AdminCancelBody | typeof RefundBody>(
    summary: string,
    body: B,
  ) =>
    adminCommand(ctx, {
      summary,
      params: IdParams,
      body,
      accepted: OrderCommandAccepted,
      problems: OrderCommandProblems,
    });

  app.post(
    '/api/admin/orders/:id/ship',
    route('Ship a confirmed order (carrier, tracking number); its reserved units leave stock', ShipOrderBody),
    async (request, reply) => {
      const orderId = request.params.id;
      const origin = await app.requestOrigin(request, { name: 'admin-ship-order', aggregateId: orderId });
      const { carrier, trackingNumber } = request.body;
      const result = await app.sendCommand({
        type: 'streamshop.orders.ShipOrder',
        value: { ...commandEnvelope(origin), carrier, trackingNumber },
      });
      return app.answerCommand(reply, result, orderAnswer(orderId));
    },
  );

  app.post('/api/admin/orders/:id/deliver', route('Mark a shipped order delivered', NoBody), async (request, reply) => {
    const orderId = request.params.id;
    const origin = await app.requestOrigin(request, { name: 'admin-deliver-order', aggregateId: orderId });
    const result = await app.sendCommand({
      type: 'streamshop.orders.DeliverOrder',
      value: commandEnvelope(origin),
    });
    return app.answerCommand(reply, result, orderAnswer(orderId));
  });

  app.post(
    '/api/admin/orders/:id/cancel',
    route('Cancel an order that has not shipped, as the shop (a paid one is refunded)', AdminCancelBody),
    async (request, reply) => {
      const orderId = request.params.id;
      const origin = await app.requestOrigin(request, { name: 'admin-cancel-order', aggregateId: orderId });
      const result = await app.sendCommand({
        type: 'streamshop.orders.CancelOrder',
        value: { ...commandEnvelope(origin), reason: request.body.reason ?? 'admin_request', by: 'admin' },
      });
      return app.answerCommand(reply, result, orderAnswer(orderId));
    },
  );

  app.post(
    '/api/admin/orders/:id/refund',
    route(
      'Refund a paid order in full or in part, through the provider that captured it; optionally restock lines',
      RefundBody,
    ),
    async (request, reply) => {
      const orderId = request.params.id;
      const { amount, lines = [], restock = false, reason } = request.body;
      let money = amount;
      if (!money) {
        const order = await queries.orders.byId(orderId);
        if (!order) throw new HttpProblem(404, 'order_not_found', `no order ${orderId}`);
        money = { amount: refundAmount(order, lines), currency: order.currency };
      }
      const origin = await app.requestOrigin(request, { name: 'admin-refund-order', aggregateId: orderId });
      const result = await app.sendCommand({
        type: 'streamshop.orders.RefundOrder',
        value: { ...commandEnvelope(origin), amount: money, reason, lines, restock },
      });
      return app.answerCommand(reply, result, orderAnswer(orderId));
    },
  );
};
