/**
 * What POST /api/orders and GET /api/orders/:id accept, with the real order service deciding (in-process, as the
 * launcher runs it): an Idempotency-Key bound to the body it was first used with (also across a gateway restart),
 * bodies validated without type coercion, `?minVersion` on another shopper's order answered like an unknown id, lines
 * of a SKU merged and capped, and a customer's open unpaid orders capped.
 */

import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startOrderService } from '@streamshop/order-service/main';
import { topicName } from '@streamshop/schemas/topics';
import { createNamespace, eventually } from '@streamshop/testkit';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import {
  ADDRESS,
  activateGeneration1,
  clerkInstance,
  fastConsumer,
  logger,
  observe,
  orderDoc,
  productDoc,
  startTestGateway,
  withConfig,
} from './gateway.fixture.ts';

const MAX_UNITS_PER_SKU = 5;
const MAX_OPEN_UNPAID = 2;

const ns = createNamespace(import.meta.url);
let clerk: Awaited<ReturnType<typeof clerkInstance>>;
let gateway: GatewayRunnable;
let orderService: Runnable | undefined;
let db: Db;
let events: Awaited<ReturnType<typeof observe>>;
let sam: string;
let bo: string;
let cy: string;
const config = () =>
  withConfig(ns.config, {
    clerk: { jwtKey: clerk.jwtKey },
    gateway: { commandTimeoutMs: 10_000 },
    orders: { maxUnitsPerSku: MAX_UNITS_PER_SKU, maxOpenUnpaidPerCustomer: MAX_OPEN_UNPAID },
  });
const placedEventsOf = (orderId: string) =>
  events
    .of(topicName('orders.events', ns.topicPrefix))
    .filter((e) => e.value.aggregateId === orderId && e.type.endsWith('.OrderPlaced'));

beforeAll(async () => {
  clerk = await clerkInstance();
  gateway = await startTestGateway(ns, config());
  orderService = startOrderService(ns.config, { prefix: ns.topicPrefix, logger, consumer: fastConsumer });
  await orderService.start();
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['products', 'orders']);
  await db.collection('products__g1').insertMany([productDoc('SKU-1', 1500), productDoc('SKU-2', 799)] as never[]);
  events = await observe(ns, [topicName('orders.events', ns.topicPrefix)]);
  [sam, bo, cy] = await Promise.all([clerk.token('user_sam'), clerk.token('user_bo'), clerk.token('user_cy')]);
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), orderService?.stop(), events?.stop()]);
  await ns.cleanup();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function place(token: string, key: string, body: unknown) {
  return gateway.app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { ...auth(token), 'idempotency-key': key },
    payload: body as object,
  });
}

const cart = (lines: { sku: string; quantity: number }[]) => ({
  lines,
  shippingAddress: ADDRESS,
  paymentProvider: 'stripe',
});

describe('Idempotency-Key', () => {
  it('the same key and body is the same order; the same key with another body → 422 idempotency_key_reused', async () => {
    const body = cart([{ sku: 'SKU-1', quantity: 2 }]);
    const first = await place(sam, 'sam-key-0001', body);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ status: 'accepted', version: 1 });
    const { orderId } = first.json();

    const again = await place(sam, 'sam-key-0001', body);
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json()).toEqual(first.json());

    for (const other of [
      cart([{ sku: 'SKU-1', quantity: 3 }]),
      cart([{ sku: 'SKU-2', quantity: 2 }]),
      { ...body, paymentProvider: 'paypal' },
      { ...body, shippingAddress: { ...ADDRESS, line1: '2 Rue de Rivoli' } },
    ]) {
      const reused = await place(sam, 'sam-key-0001', other);
      expect(reused.statusCode, reused.body).toBe(422);
      expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reused.json()).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    }

    // Still one order, as first placed.
    await eventually(() => placedEventsOf(orderId).length > 0, { message: 'OrderPlaced' });
    const placed = placedEventsOf(orderId);
    expect(placed).toHaveLength(1);
    expect(placed[0]!.value.lines.map((l: { quantity: number }) => l.quantity)).toEqual([2]);
  });

  it('the same body is recognised whatever its key order or ignored fields, and after a price change', async () => {
    const first = await place(bo, 'bo-key-0001', cart([{ sku: 'SKU-2', quantity: 1 }]));
    expect(first.statusCode, first.body).toBe(202);
    await db
      .collection('products__g1')
      .updateOne({ _id: 'SKU-2' as never }, { $set: { price: { amount: 899, currency: 'EUR' } } });
    const reordered = await place(bo, 'bo-key-0001', {
      paymentProvider: 'stripe',
      shippingAddress: {
        country: 'FR',
        city: 'Paris',
        postalCode: '75001',
        line1: '1 Rue de Rivoli',
        name: 'Sam Shopper',
      },
      lines: [{ quantity: 1, sku: 'SKU-2', unitPrice: { amount: 1, currency: 'EUR' } }],
    });
    expect(reordered.statusCode, reordered.body).toBe(202);
    expect(reordered.json()).toEqual(first.json());
  });

  it('a retry after a gateway restart still gets the original answer, and a changed body is still refused', async () => {
    const body = cart([{ sku: 'SKU-1', quantity: 1 }]);
    const first = await place(cy, 'cy-key-0001', body);
    expect(first.statusCode, first.body).toBe(202);

    await gateway.stop();
    gateway = await startTestGateway(ns, config());

    const again = await place(cy, 'cy-key-0001', body);
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json()).toEqual(first.json());
    const reused = await place(cy, 'cy-key-0001', cart([{ sku: 'SKU-1', quantity: 4 }]));
    expect(reused.statusCode, reused.body).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
  });
});

describe('bodies are not coerced', () => {
  it('a string where the schema says integer → 400 naming the field; query strings are still coerced', async () => {
    const res = await place(sam, 'sam-coerce-1', cart([{ sku: 'SKU-1', quantity: '2' as unknown as number }]));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('invalid_request');
    expect(res.json().errors).toContainEqual({ path: 'body.lines[0].quantity', message: expect.any(String) });

    const wrongProvider = await place(sam, 'sam-coerce-2', { ...cart([{ sku: 'SKU-1', quantity: 1 }]), lines: {} });
    expect(wrongProvider.statusCode).toBe(400);

    const list = await gateway.app.inject({ method: 'GET', url: '/api/orders?limit=5', headers: auth(sam) });
    expect(list.statusCode, list.body).toBe(200);
  });
});

describe('?minVersion', () => {
  const openWaits = async () => {
    const metrics = await gateway.app.inject({ method: 'GET', url: '/metrics' });
    return Number(/^streamshop_gateway_order_streams_open (\d+)$/m.exec(metrics.body)?.[1] ?? Number.NaN);
  };

  it("another shopper's order is answered as an unknown id is: after the same bounded wait, 404", async () => {
    await db.collection('orders__g1').insertOne(orderDoc('order-cy-1', 'user_cy') as never);
    const before = await openWaits();
    for (const id of ['order-cy-1', 'order-that-does-not-exist']) {
      const pending = gateway.app.inject({ method: 'GET', url: `/api/orders/${id}?minVersion=2`, headers: auth(bo) });
      // Both wait for the order to become visible at that version (a listener on its change notices) instead of
      // answering at once: an immediate 404 for an order that exists would tell the caller that it exists.
      await eventually(async () => (await openWaits()) > before, { message: `a read-your-writes wait for ${id}` });
      const res = await pending;
      expect(res.statusCode, id).toBe(404);
      expect(res.json()).toMatchObject({ code: 'order_not_found', detail: `no order ${id}` });
    }
    // Its owner still reads it, and without ?minVersion a stranger gets the same immediate 404 as for any id.
    const own = await gateway.app.inject({
      method: 'GET',
      url: '/api/orders/order-cy-1?minVersion=1',
      headers: auth(cy),
    });
    expect(own.statusCode).toBe(200);
    const plain = await gateway.app.inject({ method: 'GET', url: '/api/orders/order-cy-1', headers: auth(bo) });
    expect(plain.statusCode).toBe(404);
  });
});

describe('hoarding limits', () => {
  it('merges lines of one SKU into one line with the quantities summed', async () => {
    const res = await place(
      bo,
      'bo-merge-0001',
      cart([
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-2', quantity: 1 },
        { sku: 'SKU-1', quantity: 3 },
      ]),
    );
    expect(res.statusCode, res.body).toBe(202);
    const { orderId } = res.json();
    await eventually(() => placedEventsOf(orderId).length > 0, { message: 'OrderPlaced' });
    expect(
      placedEventsOf(orderId)[0]!.value.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]),
    ).toEqual([
      ['SKU-1', 5],
      ['SKU-2', 1],
    ]);
  });

  it('more units of a SKU than an order may hold → 422 quantity_limit_exceeded naming its lines', async () => {
    const split = await place(
      bo,
      'bo-limit-0001',
      cart([
        { sku: 'SKU-1', quantity: 3 },
        { sku: 'SKU-2', quantity: 1 },
        { sku: 'SKU-1', quantity: 3 },
      ]),
    );
    expect(split.statusCode, split.body).toBe(422);
    expect(split.json()).toMatchObject({ code: 'quantity_limit_exceeded', status: 422 });
    expect(split.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'body.lines[0].quantity',
      'body.lines[2].quantity',
    ]);
    const one = await place(bo, 'bo-limit-0002', cart([{ sku: 'SKU-2', quantity: MAX_UNITS_PER_SKU + 1 }]));
    expect(one.statusCode).toBe(422);
    expect(one.json().errors).toEqual([{ path: 'body.lines[0].quantity', message: expect.any(String) }]);
  });

  it('refuses a new order while the customer has the most open unpaid orders, not a retry of one of them', async () => {
    const orders = db.collection('orders__g1');
    await orders.insertMany([
      orderDoc('order-ann-placed', 'user_ann', { status: 'placed' }),
      orderDoc('order-ann-paid', 'user_ann', { status: 'paid' }),
      orderDoc('order-ann-cancelled', 'user_ann', { status: 'cancelled' }),
      orderDoc('order-other-placed', 'user_other', { status: 'placed' }),
    ] as never[]);
    const ann = await clerk.token('user_ann');
    // One open unpaid order (paid, cancelled and other customers' orders do not count): one more is allowed.
    const second = await place(ann, 'ann-key-0001', cart([{ sku: 'SKU-1', quantity: 1 }]));
    expect(second.statusCode, second.body).toBe(202);
    const { orderId } = second.json();
    await orders.insertOne(orderDoc(orderId, 'user_ann', { status: 'payment_requested' }) as never);

    const third = await place(ann, 'ann-key-0002', cart([{ sku: 'SKU-1', quantity: 1 }]));
    expect(third.statusCode, third.body).toBe(409);
    expect(third.json()).toMatchObject({ code: 'too_many_unpaid_orders', status: 409 });
    expect(third.json().detail).toMatch(/pay or cancel/);
    // A retry of an order already placed is not a new order: it gets its original answer.
    const retry = await place(ann, 'ann-key-0001', cart([{ sku: 'SKU-1', quantity: 1 }]));
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json()).toEqual(second.json());

    // Once one is paid, a new order is accepted again.
    await orders.updateOne({ _id: 'order-ann-placed' as never }, { $set: { status: 'paid' } });
    const afterPaying = await place(ann, 'ann-key-0002', cart([{ sku: 'SKU-1', quantity: 1 }]));
    expect(afterPaying.statusCode, afterPaying.body).toBe(202);
  });
});

describe('the OpenAPI document', () => {
  it('names the new problems of POST /api/orders under their statuses', async () => {
    const doc = (await gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const responses = doc.paths['/api/orders'].post.responses;
    expect(responses['409'].description).toContain('too_many_unpaid_orders');
    expect(responses['422'].description).toContain('quantity_limit_exceeded');
    expect(responses['422'].description).toContain('idempotency_key_reused');
    expect(Object.keys(responses['422'].content)).toEqual(['application/problem+json']);
  });
});
