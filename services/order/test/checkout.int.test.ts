/**
 * The checkout on the real stack, all four services running in-process under this file's prefix: commands in as
 * Avro, events, replies and dead letters read back with a read_committed consumer, the Stripe call seen through a
 * recording proxy in front of stripe-mock. Payment deadlines are the default (30 min), so no timer interferes.
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
  seen = await observe(ns, serde, [
    'orders.events',
    'inventory.events',
    'payments.events',
    'commerce.command-replies',
    'commerce.dlq',
  ]);
  await sender.send(receiveStock('SKU-A', 10), receiveStock('SKU-B', 5), receiveStock('SKU-C', 10));
});

afterAll(async () => {
  await seen?.stop();
  await sender?.stop();
  await services?.stop();
  await stripe?.close();
  await ns?.cleanup();
});

const RESERVED_AND_PAID = ['StockReserved', 'ReservationConfirmed'];

describe('checkout through the four services', () => {
  it('happy path: placed, each line reserved, payment requested (a PaymentIntent created), paid, confirmed', async () => {
    const orderId = `order-${randomUUID()}`;
    const paymentId = paymentIdFor(orderId);
    await sender.send(
      placeOrder(orderId, [
        { sku: 'SKU-A', quantity: 2, unitPrice: eur(1500), name: null, category: null },
        { sku: 'SKU-B', quantity: 1, unitPrice: eur(2000), name: null, category: null },
      ]),
    );

    const intent = await eventually(
      () => {
        const call = stripe.calls.find((c) => c.idempotencyKey === paymentId);
        if (!call) throw new Error(`no PaymentIntent created for ${paymentId} yet`);
        return call;
      },
      { timeoutMs: 60_000, message: 'the payment service creates a PaymentIntent' },
    );
    expect(intent.method).toBe('POST');
    expect(intent.path).toBe('/v1/payment_intents');
    expect(intent.body.get('amount')).toBe('5000');
    expect(intent.body.get('currency')).toBe('eur');
    expect(intent.body.get('metadata[paymentId]')).toBe(paymentId);
    expect(intent.body.get('metadata[orderId]')).toBe(orderId);
    expect(intent.status).toBe(200);
    expect(shortTypes(seen.stream('orders.events', orderId))).toEqual([
      'OrderPlaced',
      'OrderLineReserved',
      'OrderLineReserved',
      'OrderPaymentRequested',
    ]);

    expect(await recordedIntent(seen, paymentId)).toBe(String(intent.response.id));
    await sender.send(paymentCaptured(paymentId, String(intent.response.id), 5000));

    await eventually(() => seen.stream('orders.events', orderId).length >= 6, {
      timeoutMs: 60_000,
      message: 'the order is paid and confirmed',
    });
    const events = seen.stream('orders.events', orderId);
    expect(shortTypes(events)).toEqual([
      'OrderPlaced',
      'OrderLineReserved',
      'OrderLineReserved',
      'OrderPaymentRequested',
      'OrderPaid',
      'OrderConfirmed',
    ]);
    expect(events.map((e) => e.value.aggregateVersion)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      events
        .map((e) => e.value.line ?? null)
        .slice(1, 3)
        .sort(),
    ).toEqual([0, 1]);
    expect(events[4]!.value).toMatchObject({ paymentId, amount: eur(5000), providerReference: intent.response.id });
    expect(shortTypes(seen.stream('payments.events', paymentId))).toEqual([
      'PaymentRequested',
      'PaymentCheckoutStarted',
      'PaymentCaptured',
    ]);
    // Paid: the saga confirms each line's reservation, so the units stay reserved past the TTL until shipment.
    const lineOf = (sku: string) => () =>
      shortTypes(seen.stream('inventory.events', sku).filter((e) => e.value.orderId === orderId));
    await eventually(
      () => expect([lineOf('SKU-A')(), lineOf('SKU-B')()]).toEqual([RESERVED_AND_PAID, RESERVED_AND_PAID]),
      {
        timeoutMs: 60_000,
        message: 'both reservations are confirmed',
      },
    );
    const reservedA = seen.stream('inventory.events', 'SKU-A').filter((e) => e.value.orderId === orderId);
    expect(reservedA.map((e) => e.value.quantity)).toEqual([2, 2]);
  });

  it('cancelled after payment: stock released, and the payment refunded at Stripe once, then recorded', async () => {
    const orderId = `order-${randomUUID()}`;
    const paymentId = paymentIdFor(orderId);
    await sender.send(
      placeOrder(orderId, [{ sku: 'SKU-C', quantity: 2, unitPrice: eur(1250), name: null, category: null }]),
    );
    const intent = await eventually(
      () => {
        const call = stripe.calls.find((c) => c.idempotencyKey === paymentId && c.path === '/v1/payment_intents');
        if (!call) throw new Error(`no PaymentIntent created for ${paymentId} yet`);
        return call;
      },
      { timeoutMs: 60_000, message: 'the payment service creates a PaymentIntent' },
    );
    const paymentIntent = String(intent.response.id);
    expect(await recordedIntent(seen, paymentId)).toBe(paymentIntent);
    await sender.send(paymentCaptured(paymentId, paymentIntent, 2500));
    await eventually(() => shortTypes(seen.stream('orders.events', orderId)).includes('OrderConfirmed'), {
      timeoutMs: 60_000,
      message: 'the order is paid and confirmed',
    });

    await sender.send(command('streamshop.orders.CancelOrder', orderId, { reason: 'changed_mind', by: 'customer' }));
    await eventually(() => shortTypes(seen.stream('payments.events', paymentId)).includes('PaymentRefunded'), {
      timeoutMs: 60_000,
      message: 'the refund is asked at Stripe and recorded',
    });
    expect(shortTypes(seen.stream('orders.events', orderId)).slice(-2)).toEqual(['OrderCancelled', 'OrderRefunded']);
    const payment = seen.stream('payments.events', paymentId);
    expect(shortTypes(payment)).toEqual([
      'PaymentRequested',
      'PaymentCheckoutStarted',
      'PaymentCaptured',
      'PaymentRefundRequested',
      'PaymentRefunded',
    ]);
    const [, , , requested, refunded] = payment;
    expect(requested!.value).toMatchObject({ amount: eur(2500), provider: 'stripe', providerReference: paymentIntent });
    // One refund at Stripe, for that PaymentIntent and amount, keyed by the refund request.
    const refunds = stripe.calls.filter((c) => c.method === 'POST' && c.path === '/v1/refunds');
    const ours = refunds.filter((c) => c.body.get('metadata[paymentId]') === paymentId);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.idempotencyKey).toBe(requested!.value.eventId);
    expect(ours[0]!.body.get('payment_intent')).toBe(paymentIntent);
    expect(ours[0]!.body.get('amount')).toBe('2500');
    expect(refunded!.value).toMatchObject({ amount: eur(2500), providerEventId: ours[0]!.response.id });
    // And the stock came back.
    const stockLine = () =>
      shortTypes(seen.stream('inventory.events', 'SKU-C').filter((e) => e.value.orderId === orderId));
    await eventually(
      () => expect(stockLine()).toEqual(['StockReserved', 'ReservationConfirmed', 'ReservationReleased']),
      {
        timeoutMs: 60_000,
        message: 'the confirmed reservation is released',
      },
    );
  });

  it('idempotency: the same PlaceOrder twice yields one set of events and the same reply twice', async () => {
    const orderId = `order-${randomUUID()}`;
    const place = placeOrder(
      orderId,
      [{ sku: 'SKU-C', quantity: 1, unitPrice: eur(700), name: null, category: null }],
      {
        idempotencyKey: `idem-${orderId}`,
      },
    );
    await sender.send(place);
    await sender.send(place);

    const replies = await eventually(
      () => {
        const mine = seen.of('commerce.command-replies').filter((r) => r.value.commandId === place.value.commandId);
        if (mine.length < 2) throw new Error(`${mine.length} replies so far`);
        return mine;
      },
      { timeoutMs: 60_000, message: 'both copies of the command are answered' },
    );
    expect(replies).toHaveLength(2);
    expect(replies[1]!.value).toEqual(replies[0]!.value);
    expect(replies[0]!.value).toMatchObject({ outcome: 'accepted', aggregateVersion: 1, aggregateId: orderId });
    expect(replies[0]!.value.eventIds).toHaveLength(1);
    // The saga carries on from the one OrderPlaced: one reservation, one payment request.
    await eventually(() => shortTypes(seen.stream('orders.events', orderId)).includes('OrderPaymentRequested'), {
      timeoutMs: 60_000,
      message: 'the order reaches payment',
    });
    const placed = seen.stream('orders.events', orderId).filter((e) => e.value.causationId === place.value.commandId);
    expect(shortTypes(placed)).toEqual(['OrderPlaced']);
    expect(placed[0]!.value.eventId).toBe(replies[0]!.value.eventIds[0]);
    const reserved = seen.stream('inventory.events', 'SKU-C').filter((e) => e.value.orderId === orderId);
    expect(shortTypes(reserved)).toEqual(['StockReserved']);
  });

  it('poison: garbage on orders.commands goes to the DLQ with where it came from; the next command is processed', async () => {
    const orderId = `order-${randomUUID()}`;
    // Same key as the order after it: same partition, so the order is processed after the poison.
    const poison = await sender.sendRaw('orders.commands', orderId, Buffer.from('definitely not avro'));
    await sender.send(
      placeOrder(orderId, [{ sku: 'SKU-C', quantity: 1, unitPrice: eur(700), name: null, category: null }]),
    );

    await eventually(() => shortTypes(seen.stream('orders.events', orderId))[0] === 'OrderPlaced', {
      timeoutMs: 60_000,
      message: 'the order after the poison is placed',
    });
    const dead = seen.of('commerce.dlq').filter((r) => r.key === orderId);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers).toMatchObject({
      'dlq.source.topic': ns.topic('orders.commands'),
      'dlq.source.partition': String(poison.partition),
      'dlq.source.offset': poison.baseOffset,
    });
    expect(dead[0]!.headers['dlq.error']).toMatch(/Not a Confluent-framed Avro record/);
  });
});
