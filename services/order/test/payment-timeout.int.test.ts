/**
 * A payment that never comes, on the real stack: with a short payment deadline (configured like any deployment,
 * through the environment) the order service's deadline scheduler sends ExpireOrderPayment, the order is
 * cancelled for payment_timeout, and the saga releases every line's stock, so the SKUs are fully available again.
 * Reservations outlive the deadline (TTL 10 min), so it is the payment timeout that gives the stock back.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LINES } from '../src/domain/order.fixtures.ts';
import {
  commandSender,
  observe,
  placeOrder,
  receiveStock,
  shortTypes,
  startServices,
} from './running-services.fixture.ts';

let ns: Namespace;
let services: Runnable;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;

beforeAll(async () => {
  const config = loadConfig({
    ...process.env,
    ORDER_PAYMENT_TIMEOUT_MS: '1500',
    ORDER_RESERVATION_TTL_MS: '600000',
    TIMER_INTERVAL_MS: '200',
  });
  ns = createNamespace(import.meta.url, config);
  services = await startServices(ns, config);
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['orders.events', 'inventory.events']);
});

afterAll(async () => {
  await seen?.stop();
  await sender?.stop();
  await services?.stop();
  await ns?.cleanup();
});

const levels = (sku: string) => seen.stream('inventory.events', sku).at(-1)?.value.levels;

it('an order not paid by its deadline is cancelled and its stock released', async () => {
  const orderId = `order-${randomUUID()}`;
  await sender.send(receiveStock('SKU-A', 3), receiveStock('SKU-B', 2));
  await eventually(() => levels('SKU-A')?.available === 3 && levels('SKU-B')?.available === 2, {
    timeoutMs: 60_000,
    message: 'stock received',
  });
  await sender.send(placeOrder(orderId, LINES));

  await eventually(() => shortTypes(seen.stream('orders.events', orderId)).includes('OrderCancelled'), {
    timeoutMs: 60_000,
    message: 'the order is cancelled once its payment deadline passes',
  });
  const events = seen.stream('orders.events', orderId);
  expect(shortTypes(events)).toEqual([
    'OrderPlaced',
    'OrderLineReserved',
    'OrderLineReserved',
    'OrderPaymentRequested',
    'OrderPaymentFailed',
    'OrderCancelled',
  ]);
  expect(events.map((e) => e.value.aggregateVersion)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(events[4]!.value.reason).toBe('payment_timeout');
  expect(events[5]!.value).toMatchObject({ reason: 'payment_timeout', by: 'system' });
  // Enforced by the scheduler, not early: the expiry was issued at or after the deadline it enforced.
  expect(events[5]!.value.occurredAt).toBeGreaterThanOrEqual(events[3]!.value.deadline);

  await eventually(
    () => {
      expect(levels('SKU-A')).toEqual({ onHand: 3, reserved: 0, available: 3 });
      expect(levels('SKU-B')).toEqual({ onHand: 2, reserved: 0, available: 2 });
    },
    { timeoutMs: 60_000, message: 'the stock of both lines is released' },
  );
  const released = ['SKU-A', 'SKU-B'].flatMap((sku) =>
    seen.stream('inventory.events', sku).filter((e) => e.value.orderId === orderId),
  );
  expect(shortTypes(released)).toEqual([
    'StockReserved',
    'ReservationReleased',
    'StockReserved',
    'ReservationReleased',
  ]);
  expect(released.filter((e) => e.type.endsWith('ReservationReleased')).map((e) => e.value.reason)).toEqual([
    'order_cancelled',
    'order_cancelled',
  ]);
});
