/**
 * Back office, stock: receive units (with a reference such as a delivery note), correct a count with a reason, set
 * a SKU's low-stock threshold. Each is a command to the SKU's stock item, decided by its single writer: a correction
 * can never leave fewer units on hand than are reserved (`adjustment_below_reserved`), whatever arrives meanwhile.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commandEnvelope } from '@streamshop/eventsourcing-kafka';
import type { GatewayContext } from '../app.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import {
  AdjustStockBody,
  ReceiveStockBody,
  SkuParams,
  StockCommandAccepted,
  StockCommandProblems,
  ThresholdBody,
} from '../schemas/admin-commands.ts';
import { adminCommand } from './admin-commands.ts';

const stockAnswer = (sku: string) => ({ body: { sku }, location: `/api/admin/inventory/${sku}` });

export const adminStockRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { queries } = ctx;

  app.post(
    '/api/admin/stock/:sku/receive',
    adminCommand(ctx, {
      summary: 'Receive units of a SKU (a delivery)',
      params: SkuParams,
      body: ReceiveStockBody,
      accepted: StockCommandAccepted,
      problems: StockCommandProblems,
    }),
    async (request, reply) => {
      const { sku } = request.params;
      const origin = await app.requestOrigin(request, { name: 'admin-receive-stock', aggregateId: sku });
      const result = await app.sendCommand({
        type: 'streamshop.inventory.ReceiveStock',
        value: {
          ...commandEnvelope(origin),
          quantity: request.body.quantity,
          reference: request.body.reference ?? null,
        },
      });
      return app.answerCommand(reply, result, stockAnswer(sku));
    },
  );

  app.post(
    '/api/admin/stock/:sku/adjust',
    adminCommand(ctx, {
      summary: 'Correct the units on hand after a count: by `quantity` units, or to `newOnHand`; with a reason',
      params: SkuParams,
      body: AdjustStockBody,
      accepted: StockCommandAccepted,
      problems: StockCommandProblems,
    }),
    async (request, reply) => {
      const { sku } = request.params;
      const { quantity, newOnHand, reason } = request.body;
      if ((quantity === undefined) === (newOnHand === undefined)) {
        throw new HttpProblem(422, 'quantity_or_new_on_hand', 'give either quantity (a change) or newOnHand (a count)');
      }
      let quantityDelta = quantity ?? 0;
      if (newOnHand !== undefined) {
        // AdjustStock carries a change, so a count becomes one against the read model's units on hand. A change that
        // lands in between is not lost (the decider adds the delta to its own count) and the reserved units stay
        // protected by the decider; the admin sees the resulting level and can count again.
        const level = await queries.inventory.bySku(sku);
        if (!level) throw new HttpProblem(404, 'sku_not_found', `no stock recorded for ${sku}`);
        quantityDelta = newOnHand - level.onHand;
        // The count matches: nothing to correct (AdjustStock refuses a change of 0).
        if (quantityDelta === 0) return reply.code(202).send({ sku, status: 'accepted' as const });
      }
      const origin = await app.requestOrigin(request, { name: 'admin-adjust-stock', aggregateId: sku });
      const result = await app.sendCommand({
        type: 'streamshop.inventory.AdjustStock',
        value: { ...commandEnvelope(origin), quantityDelta, reason },
      });
      return app.answerCommand(reply, result, stockAnswer(sku));
    },
  );

  app.put(
    '/api/admin/stock/:sku/threshold',
    adminCommand(ctx, {
      summary: "Set a SKU's low-stock threshold (0 turns the alert off)",
      params: SkuParams,
      body: ThresholdBody,
      accepted: StockCommandAccepted,
      problems: StockCommandProblems,
    }),
    async (request, reply) => {
      const { sku } = request.params;
      const origin = await app.requestOrigin(request, { name: 'admin-stock-threshold', aggregateId: sku });
      const result = await app.sendCommand({
        type: 'streamshop.inventory.SetLowStockThreshold',
        value: { ...commandEnvelope(origin), threshold: request.body.threshold },
      });
      return app.answerCommand(reply, result, stockAnswer(sku));
    },
  );
};
