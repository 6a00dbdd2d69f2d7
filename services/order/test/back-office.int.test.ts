/**
 * The back office's commands on the real stack, the four services in-process under this file's prefix: an admin
 * ships, delivers and partly refunds a paid order with restock. Checks what the issue asks of the domain: each
 * event names the acting admin (actorId), down to the payment's refund request and the restock the saga derives;
 * Stripe (stripe-mock behind a recording proxy) is asked for that refund once; the refunded units come back to
 * stock with a refund reference; and the order keeps its status with the refunded amount on its events.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentIdFor } from '../src/domain/index.ts';
import { eur } from '../src/domain/order.fixtures.ts';
import {
  command,
  commandSender,
  observe,
  paymentCaptured,
  placeOrder,
  receiveStock,
  recordedIntent,
  shortTypes,
  startServices,
  stripeRecorder,
} from './running-services.fixture.ts';

const ADMIN = 'user_admin_1';

let ns: Namespace;
let services: Runnable;
let stripe: Awaited<ReturnType<typeof stripeRecorder>>;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;

beforeAll(async () => {
  const base = loadConfig();
  stripe = await stripeRecorder(base.stripe.apiBase);
  const config = { ...base, stripe: { ...base.stripe, apiBase: stripe.url } };
  ns = createNamespace(import.meta.url, config);
  services = await startServices(ns, config);
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['orders.events', 'inventory.events', 'payments.events', 'commerce.command-replies']);
  await sender.send(receiveStock('SKU-R1', 10), receiveStock('SKU-R2', 10));
});

afterAll(async () => {
  await seen?.stop();
  await sender?.stop();
  await services?.stop();
  await stripe?.close();
  await ns?.cleanup();
});

const asAdmin = { actorId: ADMIN };

describe('back office on the four services', () => {
  it('an admin ships, delivers and partly refunds with restock: every resulting event names the admin', async () => {
    const orderId = `order-${randomUUID()}`;
    const paymentId = paymentIdFor(orderId);
    await sender.send(
      placeOrder(orderId, [
        { sku: 'SKU-R1', quantity: 2, unitPrice: eur(1500), name: null, category: null },
        { sku: 'SKU-R2', quantity: 1, unitPrice: eur(2000), name: null, category: null },
      ]),
    );
    const intent = await recordedIntent(seen, paymentId);
    await sender.send(paymentCaptured(paymentId, intent, 5000));
    await eventually(() => shortTypes(seen.stream('orders.events', orderId)).includes('OrderConfirmed'), {
      timeoutMs: 60_000,
      message: 'the order is paid and confirmed',
    });
    // The shopper's and the webhook's events: no admin on them.
    expect(seen.stream('orders.events', orderId).every((e) => e.value.actorId !== ADMIN)).toBe(true);

    await sender.send(
      command('streamshop.orders.ShipOrder', orderId, { carrier: 'colissimo', trackingNumber: 'TRK-9' }, asAdmin),
    );
    await eventually(() => shortTypes(seen.stream('orders.events', orderId)).includes('OrderShipped'), {
      timeoutMs: 60_000,
      message: 'the order is shipped',
    });
    await sender.send(command('streamshop.orders.DeliverOrder', orderId, {}, asAdmin));
    const refund = command(
      'streamshop.orders.RefundOrder',
      orderId,
      { amount: eur(1500), reason: 'damaged', lines: [{ line: 0, quantity: 1 }], restock: true },
      asAdmin,
    );
    await sender.send(refund);

    await eventually(() => shortTypes(seen.stream('payments.events', paymentId)).includes('PaymentRefunded'), {
      timeoutMs: 60_000,
      message: 'the refund is asked at Stripe and recorded',
    });
    const orderEvents = seen.stream('orders.events', orderId);
    expect(shortTypes(orderEvents).slice(-3)).toEqual(['OrderShipped', 'OrderDelivered', 'OrderRefunded']);
    const [shipped, delivered, refunded] = orderEvents.slice(-3);
    for (const event of [shipped, delivered, refunded]) expect(event!.value.actorId).toBe(ADMIN);
    expect(shipped!.value).toMatchObject({ carrier: 'colissimo', trackingNumber: 'TRK-9' });
    expect(refunded!.value).toMatchObject({
      amount: eur(1500),
      lines: [{ line: 0, quantity: 1 }],
      restock: true,
      causationId: refund.value.commandId,
    });

    // The saga's follow-ups carry the admin too: the payment's refund request, and the reservations committed.
    const requested = seen.stream('payments.events', paymentId).find((e) => e.type.endsWith('PaymentRefundRequested'));
    expect(requested!.value).toMatchObject({ amount: eur(1500), actorId: ADMIN });
    const stripeRefunds = stripe.calls.filter(
      (c) => c.method === 'POST' && c.path === '/v1/refunds' && c.body.get('metadata[paymentId]') === paymentId,
    );
    expect(stripeRefunds).toHaveLength(1);
    expect(stripeRefunds[0]!.body.get('amount')).toBe('1500');
    const committed = seen
      .stream('inventory.events', 'SKU-R1')
      .filter((e) => e.value.orderId === orderId && e.type.endsWith('ReservationCommitted'));
    expect(committed.map((e) => e.value.actorId)).toEqual([ADMIN]);

    // One refunded unit of line 0 back on SKU-R1, referencing the refund; nothing back on SKU-R2.
    const reference = `refund:${orderId}:${refunded!.value.aggregateVersion}`;
    const restocked = await eventually(
      () => {
        const found = seen.stream('inventory.events', 'SKU-R1').filter((e) => e.value.reference === reference);
        if (found.length === 0) throw new Error('no restock yet');
        return found;
      },
      { timeoutMs: 60_000, message: 'the refunded unit is received back into stock' },
    );
    expect(restocked).toHaveLength(1);
    expect(restocked[0]!.value).toMatchObject({ quantity: 1, actorId: ADMIN, levels: { onHand: 9, reserved: 0 } });
    expect(seen.stream('inventory.events', 'SKU-R2').some((e) => e.value.reference === reference)).toBe(false);
  });

  it('rejections reach the reply with their codes: ship before paid, deliver before shipped, refund over paid', async () => {
    const orderId = `order-${randomUUID()}`;
    await sender.send(
      placeOrder(orderId, [{ sku: 'SKU-R2', quantity: 1, unitPrice: eur(2000), name: null, category: null }]),
    );
    await eventually(() => shortTypes(seen.stream('orders.events', orderId)).includes('OrderPaymentRequested'), {
      timeoutMs: 60_000,
      message: 'the order awaits payment',
    });
    const attempts = [
      command('streamshop.orders.ShipOrder', orderId, { carrier: 'dhl', trackingNumber: 'X' }, asAdmin),
      command('streamshop.orders.DeliverOrder', orderId, {}, asAdmin),
      command(
        'streamshop.orders.RefundOrder',
        orderId,
        { amount: eur(100), reason: null, lines: [], restock: false },
        asAdmin,
      ),
    ];
    await sender.send(...attempts);
    const codes = await eventually(
      () => {
        const replies = attempts.map(
          (a) => seen.of('commerce.command-replies').find((r) => r.value.commandId === a.value.commandId)?.value,
        );
        if (replies.some((r) => r === undefined)) throw new Error('not every attempt is answered yet');
        return replies.map((r) => r!.rejectionCode);
      },
      { timeoutMs: 60_000, message: 'each attempt is answered' },
    );
    expect(codes).toEqual(['order_not_paid', 'order_not_shipped', 'order_not_paid']);
  });
});
