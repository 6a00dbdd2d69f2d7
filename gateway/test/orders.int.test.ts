/**
 * Orders through the gateway with the real order service deciding them (in-process, as the launcher runs it): prices
 * come from the catalog read model, never from the client; the same Idempotency-Key is one order; another shopper's
 * order is "not found"; read-your-writes with ?minVersion; live Server-Sent Events from the change notices; a command
 * past the bounded wait answers 202 pending and is applied once when retried.
 */

import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startOrderService } from '@streamshop/order-service/main';
import { createReadCache } from '@streamshop/read-cache';
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

const ns = createNamespace(import.meta.url);
let clerk: Awaited<ReturnType<typeof clerkInstance>>;
let gateway: GatewayRunnable;
let orderService: Runnable | undefined;
let db: Db;
let events: Awaited<ReturnType<typeof observe>>;
let sam: string;
let bo: string;
let ada: string;
const ordersEvents = () => events.of(topicName('orders.events', ns.topicPrefix));

const startOrders = async () => {
  orderService = startOrderService(ns.config, { prefix: ns.topicPrefix, logger, consumer: fastConsumer });
  await orderService.start();
};

beforeAll(async () => {
  clerk = await clerkInstance();
  gateway = await startTestGateway(
    ns,
    // Sam places more orders than the default cap on open unpaid ones (order-requests.int.test.ts tests the cap).
    withConfig(ns.config, {
      clerk: { jwtKey: clerk.jwtKey },
      gateway: { commandTimeoutMs: 3_000 },
      orders: { maxOpenUnpaidPerCustomer: 10 },
    }),
  );
  await startOrders();
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['products', 'orders']);
  await db
    .collection('products__g1')
    .insertMany([
      productDoc('SKU-1', 1500),
      productDoc('SKU-2', 799),
      productDoc('SKU-OLD', 999, { status: 'archived' }),
    ] as never[]);
  events = await observe(ns, [topicName('orders.events', ns.topicPrefix)]);
  [sam, bo, ada] = await Promise.all([
    clerk.token('user_sam'),
    clerk.token('user_bo'),
    clerk.token('user_ada', { role: 'admin' }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), orderService?.stop(), events?.stop()]);
  await ns.cleanup();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** What the orders worker does after folding events: write the document, drop its cached copy, announce the change. */
async function project(orderId: string, customerId: string, set: Record<string, unknown>) {
  const version = set.version as number;
  const orders = db.collection('orders__g1');
  if (await orders.findOne({ _id: orderId as never })) await orders.updateOne({ _id: orderId as never }, { $set: set });
  else await orders.insertOne({ ...orderDoc(orderId, customerId), ...set } as never);
  const cache = createReadCache({ redis: ns.redis(), prefix: ns.redisPrefix, logger });
  await cache.invalidate('orders', 1, [{ kind: 'id', id: orderId }]);
  await cache.publishChanges('orders', {
    model: 'orders',
    generation: 1,
    changes: [{ id: orderId, version, customerId }],
  });
}

function place(token: string, key: string, body: unknown) {
  return gateway.app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { ...auth(token), 'idempotency-key': key },
    payload: body as object,
  });
}

describe('placing an order', () => {
  it('ignores client-sent prices: the order is priced from the catalog read model', async () => {
    const res = await place(sam, 'sam-order-0001', {
      lines: [
        { sku: 'SKU-1', quantity: 2, unitPrice: { amount: 1, currency: 'EUR' } },
        { sku: 'SKU-2', quantity: 1, price: 0 },
      ],
      total: { amount: 1, currency: 'EUR' },
      shippingAddress: ADDRESS,
      paymentProvider: 'stripe',
    });
    expect(res.statusCode, res.body).toBe(202);
    const { orderId, version, status } = res.json();
    expect(status).toBe('accepted');
    expect(version).toBe(1);
    expect(res.headers.location).toBe(`/api/orders/${orderId}`);
    const placed = await eventually(
      () => ordersEvents().find((e) => e.value.aggregateId === orderId && e.type.endsWith('.OrderPlaced')) ?? false,
      { message: 'OrderPlaced on orders.events' },
    );
    expect(placed!.value.customerId).toBe('user_sam');
    expect(
      placed!.value.lines.map((l: { sku: string; unitPrice: { amount: number } }) => [l.sku, l.unitPrice.amount]),
    ).toEqual([
      ['SKU-1', 1500],
      ['SKU-2', 799],
    ]);
    expect(placed!.value.total).toEqual({ amount: 2 * 1500 + 799, currency: 'EUR' });
  });

  it('records the shopper’s contact (session e-mail and name, browser locale) and each line’s name and category', async () => {
    const kim = await clerk.token('user_kim', { profile: { name: 'Kim Kowalski', email: 'kim@example.com' } });
    const body = { lines: [{ sku: 'SKU-1', quantity: 1 }], shippingAddress: ADDRESS, paymentProvider: 'stripe' };
    const res = await gateway.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...auth(kim), 'idempotency-key': 'kim-order-0001', 'accept-language': 'pl-pl, pl;q=0.9, en;q=0.5' },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(202);
    const { orderId } = res.json();
    const placed = await eventually(
      () => ordersEvents().find((e) => e.value.aggregateId === orderId && e.type.endsWith('.OrderPlaced')) ?? false,
      { message: 'OrderPlaced on orders.events' },
    );
    expect(placed!.value.contact).toEqual({ email: 'kim@example.com', name: 'Kim Kowalski', locale: 'pl-PL' });
    expect(placed!.value.lines).toEqual([
      {
        sku: 'SKU-1',
        quantity: 1,
        unitPrice: { amount: 1500, currency: 'EUR' },
        name: 'Product SKU-1',
        category: 'tools',
      },
    ]);

    // The contact is not part of the request: the same key and body from a browser in another language is a retry.
    const retry = await gateway.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...auth(kim), 'idempotency-key': 'kim-order-0001', 'accept-language': 'en-US' },
      payload: body,
    });
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json().orderId).toBe(orderId);

    // A session token without an e-mail places an order with no contact (nobody to write to).
    const res2 = await place(sam, 'sam-order-nocontact', body);
    expect(res2.statusCode, res2.body).toBe(202);
    const noContact = await eventually(
      () =>
        ordersEvents().find((e) => e.value.aggregateId === res2.json().orderId && e.type.endsWith('.OrderPlaced')) ??
        false,
      { message: 'the second OrderPlaced on orders.events' },
    );
    expect(noContact!.value.contact).toBeNull();
  });

  it('the same Idempotency-Key twice is one order with the same answer; another key is another order', async () => {
    const body = { lines: [{ sku: 'SKU-2', quantity: 3 }], shippingAddress: ADDRESS, paymentProvider: 'paypal' };
    const first = await place(sam, 'sam-order-0002', body);
    const again = await place(sam, 'sam-order-0002', body);
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    const orderId = first.json().orderId;
    // Both replies are in: the first committed with its events, the second was a duplicate with none.
    await eventually(() => ordersEvents().some((e) => e.value.aggregateId === orderId), { message: 'events seen' });
    expect(
      ordersEvents().filter((e) => e.value.aggregateId === orderId && e.type.endsWith('.OrderPlaced')),
    ).toHaveLength(1);

    const other = await place(sam, 'sam-order-0003', body);
    expect(other.json().orderId).not.toBe(orderId);
    // Keys are per customer: Bo's same key is Bo's own order.
    const bos = await place(bo, 'sam-order-0002', body);
    expect(bos.json().orderId).not.toBe(orderId);
  });

  it('unknown or archived SKUs are refused before anything is sent', async () => {
    const unknown = await place(sam, 'sam-order-0004', {
      lines: [
        { sku: 'SKU-1', quantity: 1 },
        { sku: 'NOPE', quantity: 1 },
      ],
      shippingAddress: ADDRESS,
      paymentProvider: 'stripe',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'unknown_sku', errors: [{ path: 'body.lines[1].sku' }] });
    const archived = await place(sam, 'sam-order-0005', {
      lines: [{ sku: 'SKU-OLD', quantity: 1 }],
      shippingAddress: ADDRESS,
      paymentProvider: 'stripe',
    });
    expect(archived.statusCode).toBe(422);
    expect(archived.json().code).toBe('product_unavailable');
  });
});

describe('reading orders', () => {
  beforeAll(async () => {
    await db
      .collection('orders__g1')
      .insertMany([orderDoc('order-sam-1', 'user_sam'), orderDoc('order-bo-1', 'user_bo')] as never[]);
  });

  it("another shopper's order is not found; its owner and admins see it", async () => {
    for (const url of ['/api/orders/order-sam-1', '/api/orders/order-sam-1?minVersion=5']) {
      const asBo = await gateway.app.inject({ method: 'GET', url, headers: auth(bo) });
      expect(asBo.statusCode, url).toBe(404);
      expect(asBo.json().code).toBe('order_not_found');
    }
    const asSam = await gateway.app.inject({ method: 'GET', url: '/api/orders/order-sam-1', headers: auth(sam) });
    expect(asSam.statusCode).toBe(200);
    expect(asSam.json()).toMatchObject({ id: 'order-sam-1', customerId: 'user_sam', status: 'placed', version: 1 });
    expect(asSam.json().placedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(asSam.json()).not.toHaveProperty('_v');
    const asAda = await gateway.app.inject({ method: 'GET', url: '/api/orders/order-sam-1', headers: auth(ada) });
    expect(asAda.statusCode).toBe(200);
    const events = await gateway.app.inject({
      method: 'GET',
      url: '/api/orders/order-sam-1/events',
      headers: auth(bo),
    });
    expect(events.statusCode).toBe(404);
  });

  it('shows no invoice number until the order is invoiced, then its number (the storefront offers the download)', async () => {
    await db.collection('orders__g1').insertOne(orderDoc('order-sam-inv', 'user_sam') as never);
    const get = () => gateway.app.inject({ method: 'GET', url: '/api/orders/order-sam-inv', headers: auth(sam) });
    const before = await get();
    expect(before.statusCode).toBe(200);
    expect(before.json().invoiceNumber).toBeNull();
    await project('order-sam-inv', 'user_sam', { version: 2, invoiceNumber: 'INV-2026-000001' });
    const after = await eventually(
      async () => {
        const res = await get();
        return res.json().version === 2 ? res : false;
      },
      { message: 'the invoiced order read back' },
    );
    expect(after!.json().invoiceNumber).toBe('INV-2026-000001');
  });

  it("lists only the caller's orders", async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/orders?limit=10', headers: auth(bo) });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((o: { id: string }) => o.id)).toEqual(['order-bo-1']);
  });

  it('?minVersion waits for the read model to reach the version (read-your-writes)', async () => {
    const pending = gateway.app.inject({
      method: 'GET',
      url: '/api/orders/order-bo-1?minVersion=2',
      headers: auth(bo),
    });
    await project('order-bo-1', 'user_bo', { version: 2, status: 'reserved' });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 2, status: 'reserved' });
    expect(res.headers['x-read-model-version']).toBe('2');

    const notYet = await gateway.app.inject({
      method: 'GET',
      url: '/api/orders/order-bo-1?minVersion=9',
      headers: auth(bo),
    });
    expect(notYet.statusCode).toBe(200);
    expect(notYet.headers['x-read-model-version']).toBe('2');
  });

  it('streams the order as Server-Sent Events: current state first, then every change', async () => {
    const controller = new AbortController();
    const res = await fetch(`${gateway.url}/api/orders/order-sam-1/events?access_token=${sam}`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextOrder = async () => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (/^event: order$/m.test(block) && data) return JSON.parse(data[1]!);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    expect(await nextOrder()).toMatchObject({ id: 'order-sam-1', version: 1, status: 'placed' });

    await project('order-sam-1', 'user_sam', { version: 2, status: 'reserved' });
    expect(await nextOrder()).toMatchObject({ id: 'order-sam-1', version: 2, status: 'reserved' });

    controller.abort();
    await eventually(
      async () => {
        const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
        return /^streamshop_gateway_order_streams_open 0$/m.test(metrics);
      },
      { message: 'the stream is cleaned up on disconnect' },
    );
  });
});

describe('cancelling', () => {
  it('sends CancelOrder and answers with the new version; a repeat gets the same answer; others get 404', async () => {
    const placed = await place(sam, 'sam-order-cancel', {
      lines: [{ sku: 'SKU-1', quantity: 1 }],
      shippingAddress: ADDRESS,
      paymentProvider: 'stripe',
    });
    const { orderId, version } = placed.json();
    // Read-your-writes right after placing: the order is not projected yet, so this waits for it.
    const read = gateway.app.inject({
      method: 'GET',
      url: `/api/orders/${orderId}?minVersion=${version}`,
      headers: auth(sam),
    });
    // The orders worker is not running here: project the order as it would.
    await project(orderId, 'user_sam', { version: 1 });
    expect((await read).statusCode).toBe(200);
    expect((await read).json()).toMatchObject({ id: orderId, version: 1 });
    const asBo = await gateway.app.inject({ method: 'POST', url: `/api/orders/${orderId}/cancel`, headers: auth(bo) });
    expect(asBo.statusCode).toBe(404);
    const cancel = await gateway.app.inject({
      method: 'POST',
      url: `/api/orders/${orderId}/cancel`,
      headers: auth(sam),
    });
    expect(cancel.statusCode, cancel.body).toBe(202);
    expect(cancel.json()).toEqual({ orderId, version: 2, status: 'accepted' });
    const again = await gateway.app.inject({
      method: 'POST',
      url: `/api/orders/${orderId}/cancel`,
      headers: auth(sam),
    });
    expect(again.json()).toEqual(cancel.json());
    const cancelledOf = () =>
      ordersEvents().filter((e) => e.value.aggregateId === orderId && e.type.endsWith('.OrderCancelled'));
    await eventually(() => cancelledOf().length > 0, { message: 'OrderCancelled' });
    const cancelled = cancelledOf();
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.value).toMatchObject({ reason: 'customer_request', by: 'customer' });
  });

  it('a rejected command is a problem with the decider code', async () => {
    const { orderId } = (
      await place(sam, 'sam-order-cancel-2', {
        lines: [{ sku: 'SKU-1', quantity: 1 }],
        shippingAddress: ADDRESS,
        paymentProvider: 'stripe',
      })
    ).json();
    await project(orderId, 'user_sam', { version: 1 });
    await gateway.app.inject({ method: 'POST', url: `/api/orders/${orderId}/cancel`, headers: auth(sam) });
    // A second cancel under another key is a new command: the order is cancelled, so the decider refuses it.
    const res = await gateway.app.inject({
      method: 'POST',
      url: `/api/orders/${orderId}/cancel`,
      headers: { ...auth(sam), 'idempotency-key': 'cancel-again-1' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'order_not_cancellable', status: 409 });
  });
});

describe('past the bounded wait', () => {
  it('answers 202 pending; the retry after the service is back is the same single order', async () => {
    await orderService!.stop();
    orderService = undefined;
    const body = { lines: [{ sku: 'SKU-1', quantity: 1 }], shippingAddress: ADDRESS, paymentProvider: 'stripe' };
    const pending = await place(sam, 'sam-order-pending', body);
    expect(pending.statusCode).toBe(202);
    expect(pending.json()).toEqual({ orderId: expect.any(String), status: 'pending' });
    expect(pending.headers.location).toBe(`/api/orders/${pending.json().orderId}`);

    await startOrders();
    const orderId = pending.json().orderId;
    const retried = await eventually(
      async () => {
        const res = await place(sam, 'sam-order-pending', body);
        return res.json().status === 'accepted' ? res.json() : false;
      },
      { timeoutMs: 60_000, message: 'the retried command is answered once the service is back' },
    );
    expect(retried).toEqual({ orderId, version: 1, status: 'accepted' });
    const placedOf = () =>
      ordersEvents().filter((e) => e.value.aggregateId === orderId && e.type.endsWith('.OrderPlaced'));
    await eventually(() => placedOf().length > 0, { message: 'OrderPlaced' });
    expect(placedOf()).toHaveLength(1);
  });
});
