/**
 * Reservation TTL on the real stack: with reservations shorter than the payment deadline (a misconfiguration, or a
 * saga command lost for good), the inventory service's deadline scheduler expires each held reservation at its
 * expiresAt and the SKU's stock is available again — the safety net that no order can hold stock forever.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { command, commandSender, observe, shortTypes, startServices } from './running-services.fixture.ts';

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
  seen = await observe(ns, serde, ['orders.events', 'inventory.events']);
});

afterAll(async () => {
  await seen?.stop();
  await sender?.stop();
  await services?.stop();
  await ns?.cleanup();
});

it('a held reservation past its expiresAt is expired and its units are available again', async () => {
  const orderId = `order-${randomUUID()}`;
  await sender.send(command('streamshop.inventory.ReceiveStock', 'SKU-T', { quantity: 4, reference: null }));
  await sender.send(
    command('streamshop.orders.PlaceOrder', orderId, {
      customerId: 'user_1',
      lines: [{ sku: 'SKU-T', quantity: 3, unitPrice: { amount: 1000, currency: 'EUR' } }],
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: '12 rue des Lilas',
        line2: null,
        postalCode: '75011',
        city: 'Paris',
        region: null,
        country: 'FR',
      },
      currency: 'EUR',
      paymentProvider: 'stripe',
    }),
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
