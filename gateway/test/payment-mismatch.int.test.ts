/**
 * Payments that are not the order's, end to end through the gateway with the services, the orders projection, stripe-mock
 * and the local PayPal sandbox: a Stripe `payment_intent.succeeded` signed with the webhook secret for 1 US cent on a
 * PaymentIntent the payment never recorded, and a PayPal PAYMENT.CAPTURE.COMPLETED for less than the order, are each
 * recorded as a mismatch, never pay or confirm the order, are refunded at the provider, and show on the admin's order.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { allOf } from '@streamshop/command-service';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startInventoryService } from '@streamshop/inventory-service/main';
import { startOrderService } from '@streamshop/order-service/main';
import { startPaymentService } from '@streamshop/payment-service/main';
import { startProjections } from '@streamshop/projections/main';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { ReceiveStock } from '@streamshop/schemas/types';
import { createPayPalSandbox, type PayPalSandbox } from '@streamshop/stack';
import { createNamespace, eventually, stripeSucceededWebhook } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
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
  productDoc,
  startTestGateway,
  withConfig,
} from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
let gateway: GatewayRunnable;
let services: Runnable;
let paypal: PayPalSandbox;
let producer: Producer;
let db: Db;
let seen: Awaited<ReturnType<typeof observe>>;
let sam: string;
let ada: string;
const T = {
  payments: () => topicName('payments.events', ns.topicPrefix),
  orders: () => topicName('orders.events', ns.topicPrefix),
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const clerk = await clerkInstance();
  const port = await freePort();
  paypal = createPayPalSandbox({
    clientId: ns.config.paypal.clientId,
    clientSecret: ns.config.paypal.clientSecret,
    webhookId: ns.config.paypal.webhookId,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/paypal`,
  });
  const config = withConfig(ns.config, {
    clerk: { jwtKey: clerk.jwtKey },
    paypal: { apiBase: await paypal.listen(0, '127.0.0.1') },
  });
  gateway = await startTestGateway(ns, config, { port });
  const side = { prefix: ns.topicPrefix, logger, consumer: fastConsumer };
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['products']); // the orders worker creates its own generation
  await db.collection('products__g1').insertOne(productDoc('SKU-MM', 2670) as never);
  services = allOf([
    startInventoryService(config, side),
    startOrderService(config, side),
    startPaymentService(config, side),
    startProjections(config, { ...side, database: ns.database, redisPrefix: ns.redisPrefix, only: ['orders'] }),
  ]);
  await services.start();
  seen = await observe(ns, [T.payments(), T.orders()]);
  producer = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  const stock: ReceiveStock = {
    commandId: randomUUID(),
    aggregateId: 'SKU-MM',
    idempotencyKey: null,
    issuedAt: Date.now(),
    correlationId: randomUUID(),
    causationId: null,
    quantity: 20,
    reference: null,
  };
  await producer.send({
    topic: topicName('inventory.commands', ns.topicPrefix),
    messages: [
      {
        key: 'SKU-MM',
        value: await serde.encode('inventory.commands', 'streamshop.inventory.ReceiveStock', stock),
      },
    ],
  });
  [sam, ada] = await Promise.all([clerk.token('user_sam'), clerk.token('user_ada', { role: 'admin' })]);
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), services?.stop(), seen?.stop(), producer?.disconnect(), paypal?.close()]);
  await ns.cleanup();
});

const json = { 'content-type': 'application/json' };
const asSam = () => ({ authorization: `Bearer ${sam}`, ...json });

interface OrderView {
  status: string;
  payment: null | { paymentId: string; status: string; mismatches?: Record<string, unknown>[] };
}

const adminOrder = async (orderId: string): Promise<OrderView> => {
  const res = await fetch(`${gateway.url}/api/admin/orders/${orderId}`, {
    headers: { authorization: `Bearer ${ada}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as OrderView;
};

/** An order of 1 × SKU-MM (26.70 EUR) placed through the gateway, once its payment is requested. */
async function orderAwaitingPayment(paymentProvider: 'stripe' | 'paypal') {
  const res = await fetch(`${gateway.url}/api/orders`, {
    method: 'POST',
    headers: { ...asSam(), 'idempotency-key': `mismatch-${randomUUID()}` },
    body: JSON.stringify({ lines: [{ sku: 'SKU-MM', quantity: 1 }], shippingAddress: ADDRESS, paymentProvider }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  const { orderId } = (await res.json()) as { orderId: string };
  const order = await eventually(
    async () => {
      const o = await adminOrder(orderId);
      return o.status === 'payment_requested' && o.payment ? o : false;
    },
    { message: 'the order awaits its payment' },
  );
  return { orderId, paymentId: order!.payment!.paymentId };
}

/** Starts the shopper's checkout: the provider object is recorded on the payment before it is answered. */
async function checkout(orderId: string, provider: 'stripe' | 'paypal') {
  const res = await fetch(`${gateway.url}/api/orders/${orderId}/payment`, {
    method: 'POST',
    headers: asSam(),
    body: JSON.stringify({ provider }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { paymentIntentId?: string; paypalOrderId?: string };
}

const paymentEvents = (paymentId: string) => seen.of(T.payments()).filter((e) => e.value.aggregateId === paymentId);
const orderEvents = (orderId: string) => seen.of(T.orders()).filter((e) => e.value.aggregateId === orderId);
const short = (type: string) => type.slice(type.lastIndexOf('.') + 1);

/** The mismatch, refunded at the provider, shown to the admin; the order neither paid nor confirmed. */
async function expectMismatchRefunded(
  ids: { orderId: string; paymentId: string },
  expected: { reference: string; amount: { amount: number; currency: string }; reason: string },
) {
  const refunded = await eventually(
    () => paymentEvents(ids.paymentId).find((e) => short(e.type) === 'PaymentRefunded') ?? false,
    { message: 'the mismatched capture refunded at the provider' },
  );
  expect(refunded!.value).toMatchObject({ amount: expected.amount, mismatch: true });
  // Checkouts recorded (stripe-mock answers a new PaymentIntent to each create: the service's and the gateway's),
  // then the mismatch, its refund asked and done; nothing captured.
  const types = paymentEvents(ids.paymentId).map((e) => short(e.type));
  expect(types).toContain('PaymentCheckoutStarted');
  expect(types.filter((t) => t !== 'PaymentCheckoutStarted')).toEqual([
    'PaymentRequested',
    'PaymentMismatchDetected',
    'PaymentRefundRequested',
    'PaymentRefunded',
  ]);
  const asked = paymentEvents(ids.paymentId).find((e) => short(e.type) === 'PaymentRefundRequested');
  expect(asked!.value).toMatchObject({
    providerReference: expected.reference,
    amount: expected.amount,
    mismatch: true,
  });
  const shown = await eventually(
    async () => {
      const o = await adminOrder(ids.orderId);
      return o.payment?.mismatches?.length ? o : false;
    },
    { message: 'the mismatch on the admin order' },
  );
  expect(shown!.payment!.mismatches).toEqual([
    {
      reference: expected.reference,
      amount: expected.amount,
      reason: expected.reason,
      providerEventId: expect.any(String),
      at: expect.any(String),
    },
  ]);
  expect(shown!.status).toBe('payment_requested');
  expect(shown!.payment!.status).toBe('requested');
  const orderTypes = orderEvents(ids.orderId).map((e) => short(e.type));
  expect(orderTypes).not.toContain('OrderPaid');
  expect(orderTypes).not.toContain('OrderConfirmed');
}

describe('a capture that is not the order’s', () => {
  it('Stripe: 1 US cent on an unrelated PaymentIntent, signed with the webhook secret, is refunded, never paid', async () => {
    const ids = await orderAwaitingPayment('stripe');
    const { paymentIntentId } = await checkout(ids.orderId, 'stripe');
    expect(paymentIntentId).toMatch(/^pi_/);
    const unrelated = `pi_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const { payload, signature } = stripeSucceededWebhook(
      { paymentIntent: unrelated, amount: 1, currency: 'USD', paymentId: ids.paymentId, orderId: ids.orderId },
      ns.config.stripe.webhookSecret,
    );
    const res = await fetch(`${gateway.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { ...json, 'stripe-signature': signature },
      body: payload,
    });
    expect(res.status).toBe(200);
    await expectMismatchRefunded(ids, {
      reference: unrelated,
      amount: { amount: 1, currency: 'USD' },
      reason: 'unknown_reference',
    });
  });

  it('PayPal: PAYMENT.CAPTURE.COMPLETED for 0.01 EUR of a 26.70 EUR order is refunded, never paid', async () => {
    const ids = await orderAwaitingPayment('paypal');
    const { paypalOrderId } = await checkout(ids.orderId, 'paypal');
    // The shopper approves, and the capture (here asked at PayPal directly) takes one cent instead of the order's.
    const approved = await fetch(`${paypal.url}/sandbox/orders/${paypalOrderId}/approve`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ capture_amount: '0.01' }),
    });
    expect(approved.ok).toBe(true);
    const basic = Buffer.from(`${ns.config.paypal.clientId}:${ns.config.paypal.clientSecret}`).toString('base64');
    const token = (await (
      await fetch(`${paypal.url}/v1/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      })
    ).json()) as { access_token: string };
    const captured = await fetch(`${paypal.url}/v2/checkout/orders/${paypalOrderId}/capture`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token.access_token}` },
      body: '{}',
    });
    expect(captured.status).toBe(201);
    // The sandbox delivers the PAYMENT.CAPTURE.COMPLETED webhook to the gateway, verified through its API.
    await eventually(
      () =>
        paypal.deliveries.some((d) => d.event.event_type === 'PAYMENT.CAPTURE.COMPLETED' && d.state === 'delivered'),
      { message: 'the capture webhook delivered' },
    );
    await expectMismatchRefunded(ids, {
      reference: paypalOrderId!,
      amount: { amount: 1, currency: 'EUR' },
      reason: 'amount_mismatch',
    });
  });
});
