/**
 * Reservation TTL on the real stack: with reservations shorter than the payment deadline (a misconfiguration, or a
 * saga command lost for good), the inventory service's deadline scheduler expires each held reservation at its
 * expiresAt and the SKU's stock is available again — the safety net that no order can hold stock forever. A paid
 * order's reservation is confirmed and outlives the TTL, so its units are never sold twice while it waits to ship;
 * a payment recorded after its order's reservation lapsed and the units were sold cancels and refunds that order.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { paymentIdFor } from '../src/domain/index.ts';
import {
  commandSender,
  observe,
  paymentCaptured,
  placeOrder,
  receiveStock,
  recordedIntent,
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
    ORDER_PAYMENT_TIMEOUT_MS: '600000',
    ORDER_RESERVATION_TTL_MS: '1000',
    TIMER_INTERVAL_MS: '200',
  });
  ns = createNamespace(import.meta.url, config);
  services = await startServices(ns, config);
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['orders.events', 'inventory.events', 'payments.events']);
});

afterAll(async () => {
  await seen?.stop();
  await sender?.stop();
  await services?.stop();
  await ns?.cleanup();
});

it('a held reservation past its expiresAt is expired and its units are available again', async () => {
  const orderId = `order-${randomUUID()}`;
  await sender.send(receiveStock('SKU-T', 4));
  await sender.send(
    placeOrder(orderId, [
      { sku: 'SKU-T', quantity: 3, unitPrice: { amount: 1000, currency: 'EUR' }, name: null, category: null },
    ]),
  );

  const mine = () => seen.stream('inventory.events', 'SKU-T').filter((e) => e.value.orderId === orderId);
  await eventually(() => shortTypes(mine()).includes('ReservationExpired'), {
    timeoutMs: 60_000,
    message: 'the reservation expires',
  });
  const [reserved, expired] = mine();
  expect(shortTypes(mine())).toEqual(['StockReserved', 'ReservationExpired']);
  expect(reserved!.value.levels).toEqual({ onHand: 4, reserved: 3, available: 1 });
  expect(expired!.value).toMatchObject({ line: 0, quantity: 3, levels: { onHand: 4, reserved: 0, available: 4 } });
  // Expired by the scheduler at or after its time, never before.
  expect(expired!.value.occurredAt).toBeGreaterThanOrEqual(reserved!.value.expiresAt);
  // The order was not told (no saga policy for it yet): it still awaits its payment.
  await eventually(
    () => expect(shortTypes(seen.stream('orders.events', orderId)).at(-1)).toBe('OrderPaymentRequested'),
    { timeoutMs: 30_000, message: 'the order awaits its payment' },
  );
});

it('a paid order keeps its units past the TTL, while an unpaid one placed after it loses them', async () => {
  const paid = `order-paid-${randomUUID()}`;
  const unpaid = `order-unpaid-${randomUUID()}`;
  const line = (quantity: number) => [
    { sku: 'SKU-P', quantity, unitPrice: { amount: 1000, currency: 'EUR' }, name: null, category: null },
  ];
  await sender.send(receiveStock('SKU-P', 10));
  await sender.send(placeOrder(paid, line(3)));
  await eventually(() => shortTypes(seen.stream('orders.events', paid)).includes('OrderPaymentRequested'), {
    timeoutMs: 60_000,
    message: 'the first order awaits its payment',
  });
  await sender.send(paymentCaptured(paymentIdFor(paid), await recordedIntent(seen, paymentIdFor(paid)), 3000));
  await eventually(() => shortTypes(seen.stream('orders.events', paid)).includes('OrderConfirmed'), {
    timeoutMs: 60_000,
    message: 'the first order is paid and confirmed',
  });
  // The witness: placed after the paid order's reservation was made, so it is due after it; once it has expired,
  // the paid order's expiresAt has passed too.
  await sender.send(placeOrder(unpaid, line(2)));
  const sku = () => seen.stream('inventory.events', 'SKU-P');
  const of = (orderId: string) => shortTypes(sku().filter((e) => e.value.orderId === orderId));
  await eventually(() => of(unpaid).includes('ReservationExpired'), {
    timeoutMs: 60_000,
    message: 'the unpaid order’s reservation expires',
  });

  // The paid order's last word is its confirmation (confirmed in time, or held again when the payment was recorded
  // after the TTL on a slow run: both end with its 3 units reserved), and nothing expires it afterwards.
  expect(of(paid).at(-1)).toBe('ReservationConfirmed');
  expect(sku().at(-1)!.value.levels).toEqual({ onHand: 10, reserved: 3, available: 7 });
});

it('paid after its reservation lapsed and the units were sold: the order is cancelled and refunded', async () => {
  const late = `order-late-${randomUUID()}`;
  const other = `order-other-${randomUUID()}`;
  const line = (quantity: number) => [
    { sku: 'SKU-L', quantity, unitPrice: { amount: 1000, currency: 'EUR' }, name: null, category: null },
  ];
  const of = (orderId: string) =>
    shortTypes(seen.stream('inventory.events', 'SKU-L').filter((e) => e.value.orderId === orderId));
  await sender.send(receiveStock('SKU-L', 4));
  await sender.send(placeOrder(late, line(3)));
  await eventually(() => of(late).includes('ReservationExpired'), {
    timeoutMs: 60_000,
    message: 'the first order’s reservation lapses',
  });
  // Another shopper buys the units meanwhile, and pays: their reservation is confirmed (or held again).
  await sender.send(placeOrder(other, line(3)));
  await eventually(() => shortTypes(seen.stream('orders.events', other)).includes('OrderPaymentRequested'), {
    timeoutMs: 60_000,
    message: 'the other order awaits its payment',
  });
  await sender.send(paymentCaptured(paymentIdFor(other), await recordedIntent(seen, paymentIdFor(other)), 3000));
  await eventually(() => of(other).includes('ReservationConfirmed'), {
    timeoutMs: 60_000,
    message: 'the other order’s stock is kept',
  });

  // Now the first order's payment is recorded: its stock cannot be held again.
  await sender.send(paymentCaptured(paymentIdFor(late), await recordedIntent(seen, paymentIdFor(late)), 3000));
  await eventually(() => shortTypes(seen.stream('payments.events', paymentIdFor(late))).includes('PaymentRefunded'), {
    timeoutMs: 60_000,
    message: 'the first order is refunded',
  });
  expect(of(late).at(-1)).toBe('StockReservationRejected');
  expect(
    seen
      .stream('inventory.events', 'SKU-L')
      .filter((e) => e.value.orderId === late)
      .at(-1)!.value.reason,
  ).toBe('reservation_expired');
  expect(shortTypes(seen.stream('orders.events', late)).slice(-5)).toEqual([
    'OrderPaid',
    'OrderConfirmed',
    'OrderLineRejected',
    'OrderCancelled',
    'OrderRefunded',
  ]);
  // The other order keeps its units: nothing was sold twice.
  expect(seen.stream('inventory.events', 'SKU-L').at(-1)!.value.levels).toMatchObject({ onHand: 4, reserved: 3 });
});
