/**
 * The back office's command routes through the gateway with the real catalog, inventory, order and payment services
 * deciding them (in-process, as the launcher runs them): a shopper gets 403 and a request without Idempotency-Key 400
 * on every route; rejections come back as problems with their stable codes (409/422); the admin's user id is on the
 * events the commands produced (read from the events topics), down to the payment's refund request the saga derives
 * from an admin's refund; a retry is the same command, a reused key with another body is 422 idempotency_key_reused.
 */
import { startCatalogService } from '@streamshop/catalog-service/main';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startInventoryService } from '@streamshop/inventory-service/main';
import { startOrderService } from '@streamshop/order-service/main';
import { startPaymentService } from '@streamshop/payment-service/main';
import { topicName } from '@streamshop/schemas/topics';
import { createNamespace, eventually, stripeSucceededWebhook } from '@streamshop/testkit';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import {
  ADDRESS,
  activateGeneration1,
  clerkInstance,
  fastConsumer,
  logger,
  type Observed,
  observe,
  productDoc,
  startTestGateway,
  withConfig,
} from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
let gateway: GatewayRunnable;
let services: Runnable[] = [];
let db: Db;
let seen: Awaited<ReturnType<typeof observe>>;
let shopper: string;
let admin: string;
const ADMIN_ID = 'user_ada';
const topics = ['catalog.events', 'inventory.events', 'orders.events', 'payments.events'] as const;
const eventsOf = (topic: (typeof topics)[number]) => seen.of(topicName(topic, ns.topicPrefix));

beforeAll(async () => {
  const clerk = await clerkInstance();
  const config = withConfig(ns.config, { clerk: { jwtKey: clerk.jwtKey } });
  gateway = await startTestGateway(ns, config);
  const options = { prefix: ns.topicPrefix, logger, consumer: fastConsumer };
  services = [startCatalogService, startInventoryService, startOrderService, startPaymentService].map((start) =>
    start(config, options),
  );
  for (const service of services) await service.start();
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['products', 'orders', 'inventory']);
  await db
    .collection('products__g1')
    .insertMany([productDoc('SKU-1', 1500), productDoc('SKU-EDIT', 990), productDoc('SKU-PAID', 1500)] as never[]);
  seen = await observe(
    ns,
    topics.map((t) => topicName(t, ns.topicPrefix)),
  );
  [shopper, admin] = await Promise.all([clerk.token('user_sam'), clerk.token(ADMIN_ID, { role: 'admin' })]);
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), ...services.map((s) => s.stop()), seen?.stop()]);
  await ns.cleanup();
});

let keys = 0;
const newKey = () => `admin-key-${++keys}-${ns.id}`.slice(0, 128);

function send(token: string, method: string, url: string, body: object | undefined, key: string | null = newKey()) {
  return gateway.app.inject({
    method: method as 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    ...(body ? { payload: body } : {}),
  });
}

/** The event of `type` on a topic for an aggregate, once it is there. */
async function eventFor(topic: (typeof topics)[number], aggregateId: string, type: string): Promise<Observed> {
  const found = await eventually(
    () => eventsOf(topic).find((e) => e.value.aggregateId === aggregateId && e.type.endsWith(`.${type}`)) ?? false,
    { message: `${type} of ${aggregateId} on ${topic}` },
  );
  return found as Observed;
}

/** An order the shopper places through the gateway, paid with Stripe; its id. */
async function placeOrder(sku: string, quantity: number): Promise<string> {
  const placed = await gateway.app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { authorization: `Bearer ${shopper}`, 'idempotency-key': newKey() },
    payload: { lines: [{ sku, quantity }], shippingAddress: ADDRESS, paymentProvider: 'stripe' },
  });
  expect(placed.statusCode, placed.body).toBe(202);
  return placed.json().orderId;
}

/**
 * Pays an order as Stripe would: once the payment service has created the PaymentIntent for the order's payment
 * (PaymentCheckoutStarted), a `payment_intent.succeeded` for it and the order's total, signed with the webhook secret,
 * goes to the gateway's webhook route; the saga then records the capture on the order (OrderPaid, OrderConfirmed).
 * Returns the payment's id.
 */
async function payWithStripeWebhook(orderId: string): Promise<string> {
  const requested = await eventFor('orders.events', orderId, 'OrderPaymentRequested');
  const { paymentId, amount } = requested.value;
  const started = await eventFor('payments.events', paymentId, 'PaymentCheckoutStarted');
  const { payload, signature } = stripeSucceededWebhook(
    { paymentIntent: started.value.providerReference, ...amount, paymentId, orderId },
    ns.config.stripe.webhookSecret,
  );
  const res = await gateway.app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
  await eventFor('orders.events', orderId, 'OrderConfirmed');
  return paymentId;
}

const NEW_PRODUCT = {
  sku: 'SKU-NEW',
  name: 'Pour-over kettle',
  description: 'Gooseneck, 1 l',
  category: 'brewing',
  price: { amount: 4900, currency: 'EUR' },
  imageUrl: 'https://images.example/kettle.jpg',
};

/** Every admin command route with a valid body. */
const ROUTES: [string, string, object | undefined][] = [
  ['POST', '/api/admin/products', NEW_PRODUCT],
  ['PATCH', '/api/admin/products/SKU-EDIT', { name: 'Renamed' }],
  ['PUT', '/api/admin/products/SKU-EDIT/price', { price: { amount: 1000, currency: 'EUR' } }],
  ['POST', '/api/admin/products/SKU-EDIT/archive', { reason: 'end of line' }],
  ['POST', '/api/admin/products/SKU-EDIT/restore', undefined],
  ['POST', '/api/admin/stock/SKU-1/receive', { quantity: 5, reference: 'DN-1' }],
  ['POST', '/api/admin/stock/SKU-1/adjust', { quantity: -1, reason: 'damaged' }],
  ['PUT', '/api/admin/stock/SKU-1/threshold', { threshold: 3 }],
  ['POST', '/api/admin/orders/order-x/ship', { carrier: 'DHL', trackingNumber: 'JD0001' }],
  ['POST', '/api/admin/orders/order-x/deliver', undefined],
  ['POST', '/api/admin/orders/order-x/cancel', undefined],
  ['POST', '/api/admin/orders/order-x/refund', { amount: { amount: 100, currency: 'EUR' }, reason: 'late' }],
];

describe('every admin command route', () => {
  it.each(ROUTES)('%s %s: a shopper gets 403 and nothing is sent', async (method, url, body) => {
    const res = await send(shopper, method, url, body);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden' });
  });

  it.each(ROUTES)('%s %s: without an Idempotency-Key, 400', async (method, url, body) => {
    const res = await send(admin, method, url, body, null);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('invalid_request');
  });
});

describe('catalog', () => {
  it('creates a product as the admin; a retry is the same command; another body under the key is 422', async () => {
    const key = newKey();
    const res = await send(admin, 'POST', '/api/admin/products', NEW_PRODUCT, key);
    expect(res.statusCode, res.body).toBe(202);
    const { productId, status, version } = res.json();
    expect([status, version]).toEqual(['accepted', 1]);
    const created = await eventFor('catalog.events', productId, 'ProductCreated');
    expect(created.value).toMatchObject({ sku: 'SKU-NEW', actorId: ADMIN_ID });

    const retry = await send(admin, 'POST', '/api/admin/products', NEW_PRODUCT, key);
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json()).toMatchObject({ productId, status: 'accepted', version: 1 });

    const reused = await send(admin, 'POST', '/api/admin/products', { ...NEW_PRODUCT, name: 'Other' }, key);
    expect(reused.statusCode, reused.body).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');

    // The same SKU again: identical, it changes nothing (accepted); different, the SKU is taken.
    const same = await send(admin, 'POST', '/api/admin/products', NEW_PRODUCT);
    expect(same.statusCode, same.body).toBe(202);
    const again = await send(admin, 'POST', '/api/admin/products', { ...NEW_PRODUCT, name: 'Another kettle' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().code).toBe('product_already_exists');
  });

  it('edits, prices, archives and restores; rejections carry their codes', async () => {
    const create = await send(admin, 'POST', '/api/admin/products', { ...NEW_PRODUCT, sku: 'SKU-EDIT' });
    expect(create.statusCode, create.body).toBe(202);
    const { productId } = create.json();

    const edit = await send(admin, 'PATCH', '/api/admin/products/SKU-EDIT', { name: 'Renamed kettle' });
    expect(edit.statusCode, edit.body).toBe(202);
    const updated = await eventFor('catalog.events', productId, 'ProductDetailsUpdated');
    // Fields left out keep the read model's values.
    expect(updated.value).toMatchObject({ name: 'Renamed kettle', description: 'The SKU-EDIT', actorId: ADMIN_ID });

    const otherCurrency = await send(admin, 'PUT', '/api/admin/products/SKU-EDIT/price', {
      price: { amount: 1000, currency: 'USD' },
    });
    expect(otherCurrency.statusCode, otherCurrency.body).toBe(422);
    expect(otherCurrency.json().code).toBe('invalid_price');
    const price = await send(admin, 'PUT', '/api/admin/products/SKU-EDIT/price', {
      price: { amount: 5200, currency: 'EUR' },
    });
    expect(price.statusCode, price.body).toBe(202);
    expect((await eventFor('catalog.events', productId, 'ProductPriceChanged')).value.actorId).toBe(ADMIN_ID);

    const restoreActive = await send(admin, 'POST', '/api/admin/products/SKU-EDIT/restore', undefined);
    expect(restoreActive.statusCode, restoreActive.body).toBe(409);
    expect(restoreActive.json().code).toBe('product_not_archived');

    const archive = await send(admin, 'POST', '/api/admin/products/SKU-EDIT/archive', undefined);
    expect(archive.statusCode, archive.body).toBe(202);
    expect((await eventFor('catalog.events', productId, 'ProductArchived')).value.actorId).toBe(ADMIN_ID);
    const twice = await send(admin, 'POST', '/api/admin/products/SKU-EDIT/archive', { reason: 'again' });
    expect(twice.statusCode, twice.body).toBe(409);
    expect(twice.json().code).toBe('product_already_archived');

    const restore = await send(admin, 'POST', '/api/admin/products/SKU-EDIT/restore', { reason: 'back' });
    expect(restore.statusCode, restore.body).toBe(202);
    expect((await eventFor('catalog.events', productId, 'ProductRestored')).value.actorId).toBe(ADMIN_ID);

    const unknown = await send(admin, 'PUT', '/api/admin/products/SKU-NONE/price', {
      price: { amount: 100, currency: 'EUR' },
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json().code).toBe('product_not_found');
  });
});

describe('stock', () => {
  it('receives, corrects and sets a threshold as the admin; never below what is reserved', async () => {
    const receive = await send(admin, 'POST', '/api/admin/stock/SKU-STOCK/receive', { quantity: 5, reference: 'DN-7' });
    expect(receive.statusCode, receive.body).toBe(202);
    const received = await eventFor('inventory.events', 'SKU-STOCK', 'StockReceived');
    expect(received.value).toMatchObject({ quantity: 5, reference: 'DN-7', actorId: ADMIN_ID });

    const below = await send(admin, 'POST', '/api/admin/stock/SKU-STOCK/adjust', { quantity: -6, reason: 'count' });
    expect(below.statusCode, below.body).toBe(409);
    expect(below.json().code).toBe('adjustment_below_reserved');
    const both = await send(admin, 'POST', '/api/admin/stock/SKU-STOCK/adjust', {
      quantity: -1,
      newOnHand: 3,
      reason: 'count',
    });
    expect(both.statusCode, both.body).toBe(422);
    expect(both.json().code).toBe('quantity_or_new_on_hand');
    const adjust = await send(admin, 'POST', '/api/admin/stock/SKU-STOCK/adjust', { quantity: -2, reason: 'broken' });
    expect(adjust.statusCode, adjust.body).toBe(202);
    const adjusted = await eventFor('inventory.events', 'SKU-STOCK', 'StockAdjusted');
    expect(adjusted.value).toMatchObject({ quantityDelta: -2, reason: 'broken', actorId: ADMIN_ID });

    const threshold = await send(admin, 'PUT', '/api/admin/stock/SKU-STOCK/threshold', { threshold: 2 });
    expect(threshold.statusCode, threshold.body).toBe(202);
    const set = await eventFor('inventory.events', 'SKU-STOCK', 'LowStockThresholdSet');
    expect(set.value).toMatchObject({ threshold: 2, actorId: ADMIN_ID });
  });
});

describe('orders', () => {
  it('refuses to ship, deliver or refund an unpaid order; cancels it as the admin', async () => {
    // Stock first, so the saga reserves the line instead of cancelling the order for want of it.
    const stock = await send(admin, 'POST', '/api/admin/stock/SKU-1/receive', { quantity: 10, reference: 'DN-1' });
    expect(stock.statusCode, stock.body).toBe(202);
    const orderId = await placeOrder('SKU-1', 1);
    const url = `/api/admin/orders/${orderId}`;

    const ship = await send(admin, 'POST', `${url}/ship`, { carrier: 'DHL', trackingNumber: 'JD014600006281' });
    expect(ship.statusCode, ship.body).toBe(409);
    expect(ship.json().code).toBe('order_not_paid');
    const deliver = await send(admin, 'POST', `${url}/deliver`, undefined);
    expect(deliver.statusCode, deliver.body).toBe(409);
    expect(deliver.json().code).toBe('order_not_shipped');
    const refund = await send(admin, 'POST', `${url}/refund`, {
      amount: { amount: 500, currency: 'EUR' },
      reason: 'goodwill',
    });
    expect(refund.statusCode, refund.body).toBe(409);
    expect(refund.json().code).toBe('order_not_paid');

    const cancel = await send(admin, 'POST', `${url}/cancel`, { reason: 'out of stock at the supplier' });
    expect(cancel.statusCode, cancel.body).toBe(202);
    expect(cancel.json()).toMatchObject({ orderId, status: 'accepted' });
    const cancelled = await eventFor('orders.events', orderId, 'OrderCancelled');
    expect(cancelled.value).toMatchObject({ by: 'admin', reason: 'out of stock at the supplier', actorId: ADMIN_ID });
  });

  it('ships, delivers and partly refunds a paid order as the admin, down to the payment; never more than is left', async () => {
    const stock = await send(admin, 'POST', '/api/admin/stock/SKU-PAID/receive', { quantity: 10, reference: 'DN-2' });
    expect(stock.statusCode, stock.body).toBe(202);
    const orderId = await placeOrder('SKU-PAID', 2); // 2 × 15.00 EUR
    const paymentId = await payWithStripeWebhook(orderId);
    const paid = await eventFor('orders.events', orderId, 'OrderPaid');
    expect(paid.value.amount).toEqual({ amount: 3000, currency: 'EUR' });
    const url = `/api/admin/orders/${orderId}`;

    const early = await send(admin, 'POST', `${url}/deliver`, undefined);
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().code).toBe('order_not_shipped');

    const ship = await send(admin, 'POST', `${url}/ship`, { carrier: 'DHL', trackingNumber: 'JD014600006282' });
    expect(ship.statusCode, ship.body).toBe(202);
    expect(ship.json()).toMatchObject({ orderId, status: 'accepted' });
    const shipped = await eventFor('orders.events', orderId, 'OrderShipped');
    expect(shipped.value).toMatchObject({ carrier: 'DHL', trackingNumber: 'JD014600006282', actorId: ADMIN_ID });
    // Shipped once: another ship (a new command, not a retry) finds it no longer confirmed.
    const again = await send(admin, 'POST', `${url}/ship`, { carrier: 'UPS', trackingNumber: '1Z999' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().code).toBe('order_not_confirmed');

    const deliver = await send(admin, 'POST', `${url}/deliver`, undefined);
    expect(deliver.statusCode, deliver.body).toBe(202);
    expect((await eventFor('orders.events', orderId, 'OrderDelivered')).value.actorId).toBe(ADMIN_ID);

    const refund = await send(admin, 'POST', `${url}/refund`, {
      amount: { amount: 1000, currency: 'EUR' },
      reason: 'scratched lid',
    });
    expect(refund.statusCode, refund.body).toBe(202);
    const refunded = await eventFor('orders.events', orderId, 'OrderRefunded');
    expect(refunded.value).toMatchObject({
      amount: { amount: 1000, currency: 'EUR' },
      reason: 'scratched lid',
      lines: [],
      restock: false,
      actorId: ADMIN_ID,
    });
    // The saga asks the payment for that refund in the admin's name, and the provider (stripe-mock) does it.
    const asked = await eventFor('payments.events', paymentId, 'PaymentRefundRequested');
    expect(asked.value).toMatchObject({ orderId, amount: { amount: 1000, currency: 'EUR' }, actorId: ADMIN_ID });
    const done = await eventFor('payments.events', paymentId, 'PaymentRefunded');
    expect(done.value).toMatchObject({ amount: { amount: 1000, currency: 'EUR' }, actorId: ADMIN_ID });

    // 20.01 EUR is less than the 30.00 captured but more than the 20.00 left after the refund: refused.
    const over = await send(admin, 'POST', `${url}/refund`, {
      amount: { amount: 2001, currency: 'EUR' },
      reason: 'too much',
    });
    expect(over.statusCode, over.body).toBe(409);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.json().code).toBe('refund_exceeds_paid');
    // Only the admin's commands put the admin on the order: ship, deliver, the one refund (the rejections added none).
    const byAdmin = eventsOf('orders.events').filter(
      (e) => e.value.aggregateId === orderId && e.value.actorId === ADMIN_ID,
    );
    expect(byAdmin.map((e) => e.type.slice(e.type.lastIndexOf('.') + 1))).toEqual([
      'OrderShipped',
      'OrderDelivered',
      'OrderRefunded',
    ]);
  });
});
