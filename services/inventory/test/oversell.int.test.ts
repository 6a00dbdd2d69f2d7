/**
 * Oversell, end to end on the real stack: 200 orders of one unit race for a SKU with 50 units, with all four
 * command services (and the order saga) running. One writer per SKU means exactly 50 get stock and go on to
 * payment, the other 150 are cancelled out_of_stock, and no inventory event ever shows availability below zero.
 */
import { randomUUID } from 'node:crypto';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { AvroSerde, ensureTopics } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capturingLogger,
  commandSender,
  groupBy,
  observe,
  ofType,
  oneUnitOf,
  placeOrder,
  receiveStock,
  startNamedServices,
  testServiceOptions,
  versionGaps,
} from './acceptance.fixture.ts';

let ns: Namespace;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;
const running: Runnable[] = [];

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['inventory.events', 'orders.events', 'payments.events', 'commerce.dlq']);
  const options = testServiceOptions(ns.topicPrefix, capturingLogger().logger);
  running.push(...(await startNamedServices(ns.config, ['catalog', 'inventory', 'payment', 'order'], options)));
});

afterAll(async () => {
  for (const r of running.reverse()) await r.stop().catch(() => {});
  await seen?.stop();
  await sender?.stop();
  await ns?.cleanup();
});

describe('oversell', () => {
  it('200 concurrent one-unit orders for 50 units: 50 reach payment, 150 are cancelled out_of_stock', async () => {
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    await sender.send(receiveStock(sku, 50));
    await eventually(
      () => expect(ofType(seen.of('inventory.events'), 'streamshop.inventory.StockReceived')).toHaveLength(1),
      {
        timeoutMs: 60_000,
        message: 'stock received',
      },
    );

    const orderIds = Array.from({ length: 200 }, (_, i) => `order-${i}-${randomUUID().slice(0, 8)}`);
    // Concurrently: 20 senders of 10 orders each; the orders spread over every orders partition, so the order
    // service's partitions race each other to reserve the one SKU.
    const batches = Array.from({ length: 20 }, (_, b) => orderIds.slice(b * 10, b * 10 + 10));
    await Promise.all(batches.map((ids) => sender.send(...ids.map((id) => placeOrder(id, oneUnitOf(sku))))));

    const orderEvents = () => seen.of('orders.events');
    const keysOf = (type: Parameters<typeof ofType>[1]) => new Set(ofType(orderEvents(), type).map((e) => e.key!));
    await eventually(
      () => {
        const finals =
          keysOf('streamshop.orders.OrderPaymentRequested').size + keysOf('streamshop.orders.OrderCancelled').size;
        expect(finals).toBe(200);
        expect(ofType(seen.of('payments.events'), 'streamshop.payments.PaymentRequested')).toHaveLength(50);
      },
      { timeoutMs: 90_000, message: 'every order reached payment or was cancelled' },
    );

    // Orders: exactly 50 awaiting payment, 150 cancelled for lack of stock, none both, none twice.
    const requested = keysOf('streamshop.orders.OrderPaymentRequested');
    const cancelled = ofType(orderEvents(), 'streamshop.orders.OrderCancelled');
    expect(requested.size).toBe(50);
    expect(ofType(orderEvents(), 'streamshop.orders.OrderPaymentRequested')).toHaveLength(50);
    expect(cancelled).toHaveLength(150);
    for (const e of cancelled) {
      expect(e.value).toMatchObject({ reason: 'out_of_stock', by: 'system' });
      expect(requested.has(e.key!)).toBe(false);
    }
    expect(new Set([...requested, ...cancelled.map((e) => e.key!)])).toEqual(new Set(orderIds));
    expect(versionGaps(orderEvents())).toEqual([]);

    // Inventory: one event per reservation attempt, in one gapless stream for the SKU.
    const stock = seen.stream('inventory.events', sku);
    expect(versionGaps(stock)).toEqual([]);
    expect(stock).toHaveLength(201);
    const reserved = ofType(stock, 'streamshop.inventory.StockReserved');
    const refused = ofType(stock, 'streamshop.inventory.StockReservationRejected');
    expect(reserved).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const e of refused) expect(e.value.reason).toBe('insufficient_stock');
    expect([...groupBy(stock, (e) => String(e.value.causationId)).values()].filter((set) => set.length !== 1)).toEqual(
      [],
    );
    // Every levels value in the stream, not only the last: availability never below zero, reserved never above
    // on hand, and each reservation takes exactly one unit from what the one before it left.
    for (const e of stock) {
      const { onHand, reserved: held, available } = e.value.levels;
      expect(available).toBe(onHand - held);
      expect(available).toBeGreaterThanOrEqual(0);
      expect(held).toBeLessThanOrEqual(onHand);
    }
    expect(reserved.map((e) => e.value.levels.available)).toEqual(Array.from({ length: 50 }, (_, i) => 49 - i));
    expect(stock.at(-1)!.value.levels).toEqual({ onHand: 50, reserved: 50, available: 0 });
    // The stock went to exactly the orders that went on to payment.
    expect(new Set(reserved.map((e) => e.value.orderId))).toEqual(requested);
    expect(seen.of('commerce.dlq')).toEqual([]);
  });
});
