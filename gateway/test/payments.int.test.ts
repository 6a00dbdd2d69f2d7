/**
 * Payments through the gateway with the real payment service (in-process): Stripe webhooks verified over the raw body
 * and recorded once however often they are replayed; a wrong signature is refused with nothing recorded; checkout
 * (Stripe via stripe-mock, PayPal via a local PayPal sandbox) and the Stripe test-mode button end to end; Clerk's
 * Svix-signed user webhooks through the user service and the users projection into the users read model.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { deterministicId, type Runnable } from '@streamshop/eventsourcing-kafka';
import { startPaymentService } from '@streamshop/payment-service/main';
import { startProjections } from '@streamshop/projections/main';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { RequestPayment } from '@streamshop/schemas/types';
import { createPayPalSandbox, type PayPalSandbox } from '@streamshop/stack';
import { createNamespace, eventually, stripeSucceededWebhook } from '@streamshop/testkit';
import { startUserService } from '@streamshop/user-service/main';
import { Partitioners, type Producer } from 'kafkajs';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import {
  activateGeneration1,
  clerkInstance,
  fastConsumer,
  logger,
  observe,
  orderDoc,
  startTestGateway,
  withConfig,
} from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
const clerkWebhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
let clerk: Awaited<ReturnType<typeof clerkInstance>>;
let gateway: GatewayRunnable;
let paymentService: Runnable;
let userSide: Runnable[] = [];
let paypal: PayPalSandbox;
let producer: Producer;
let serde: AvroSerde;
let db: Db;
let seen: Awaited<ReturnType<typeof observe>>;
let sam: string;
const T = {
  commands: () => topicName('payments.commands', ns.topicPrefix),
  events: () => topicName('payments.events', ns.topicPrefix),
  replies: () => topicName('commerce.command-replies', ns.topicPrefix),
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  clerk = await clerkInstance();
  const port = await freePort();
  paypal = createPayPalSandbox({
    clientId: ns.config.paypal.clientId,
    clientSecret: ns.config.paypal.clientSecret,
    webhookId: ns.config.paypal.webhookId,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/paypal`,
  });
  const paypalUrl = await paypal.listen(0, '127.0.0.1');
  const config = withConfig(ns.config, {
    clerk: { jwtKey: clerk.jwtKey, webhookSecret: clerkWebhookSecret },
    paypal: { apiBase: paypalUrl },
  });
  gateway = await startTestGateway(ns, config, { port });
  paymentService = startPaymentService(config, { prefix: ns.topicPrefix, logger, consumer: fastConsumer });
  await paymentService.start();
  const side = { prefix: ns.topicPrefix, logger, consumer: fastConsumer };
  userSide = [
    startUserService(config, side),
    startProjections(config, { ...side, database: ns.database, redisPrefix: ns.redisPrefix, only: ['users'] }),
  ];
  for (const part of userSide) await part.start();
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  producer = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['orders']);
  seen = await observe(ns, [T.commands(), T.events(), T.replies()]);
  sam = await clerk.token('user_sam');
});

afterAll(async () => {
  await Promise.allSettled([
    gateway?.stop(),
    paymentService?.stop(),
    ...userSide.map((part) => part.stop()),
    seen?.stop(),
    producer?.disconnect(),
    paypal?.close(),
  ]);
  await ns.cleanup();
});

/** A payment requested as the order saga requests it. */
async function requestPayment(provider: 'stripe' | 'paypal', amount = 2500) {
  const paymentId = randomUUID();
  const orderId = `order-${randomUUID()}`;
  const value: RequestPayment = {
    commandId: randomUUID(),
    aggregateId: paymentId,
    idempotencyKey: null,
    issuedAt: Date.now(),
    correlationId: orderId,
    causationId: null,
    orderId,
    provider,
    amount: { amount, currency: 'EUR' },
  };
  await producer.send({
    topic: T.commands(),
    messages: [
      { key: paymentId, value: await serde.encode('payments.commands', 'streamshop.payments.RequestPayment', value) },
    ],
  });
  await eventually(() => eventsOf(paymentId).some((e) => e.type.endsWith('.PaymentRequested')), {
    message: 'PaymentRequested',
  });
  return { paymentId, orderId, amount };
}

/** The PaymentIntent the payment service created for a Stripe payment, once recorded on it: what a capture names. */
async function recordedIntent(paymentId: string): Promise<string> {
  const started = await eventually(
    () => eventsOf(paymentId).find((e) => e.type.endsWith('.PaymentCheckoutStarted')) ?? false,
    { message: 'the PaymentIntent recorded' },
  );
  return String(started!.value.providerReference);
}

const problem = async (res: Response) => (await res.json()) as { code: string };

const eventsOf = (paymentId: string) => seen.of(T.events()).filter((e) => e.value.aggregateId === paymentId);

/** A Stripe event as Stripe would POST it, and its Stripe-Signature header (the testkit signs with Stripe's library). */
const stripeWebhook = (
  p: { paymentId: string; orderId: string; amount: number; paymentIntent: string },
  eventId: string,
  secret = ns.config.stripe.webhookSecret,
) => stripeSucceededWebhook({ ...p, currency: 'EUR' }, secret, eventId);

const postStripe = (payload: string, signature: string) =>
  fetch(`${gateway.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });

describe('Stripe webhooks', () => {
  it('a replayed webhook (same event id) is recorded once: one PaymentCaptured', async () => {
    const requested = await requestPayment('stripe');
    const payment = { ...requested, paymentIntent: await recordedIntent(requested.paymentId) };
    const { payload, signature } = stripeWebhook(payment, `evt_${randomUUID().replaceAll('-', '')}`);
    for (let i = 0; i < 3; i++) {
      const res = await postStripe(payload, signature);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, recorded: true });
    }
    // Acknowledged means on Kafka: three identical commands (one command id), each answered by the payment service.
    const recorded = () =>
      seen.of(T.commands()).filter((c) => c.type.endsWith('.RecordProviderEvent') && c.key === payment.paymentId);
    await eventually(() => recorded().length === 3, { message: 'three commands on payments.commands' });
    const commands = recorded();
    expect(new Set(commands.map((c) => c.value.commandId)).size).toBe(1);
    const commandId = commands[0]!.value.commandId;
    await eventually(() => seen.of(T.replies()).filter((r) => r.value.commandId === commandId).length === 3, {
      message: 'the three deliveries answered',
    });
    expect(eventsOf(payment.paymentId).filter((e) => e.type.endsWith('.PaymentCaptured'))).toHaveLength(1);
  });

  it('a wrong signature or a tampered body → 400 and nothing recorded', async () => {
    const requested = await requestPayment('stripe');
    const payment = { ...requested, paymentIntent: await recordedIntent(requested.paymentId) };
    const bad = stripeWebhook(payment, 'evt_wrong_secret', 'whsec_not_the_secret');
    const res = await postStripe(bad.payload, bad.signature);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await problem(res)).code).toBe('invalid_signature');
    const good = stripeWebhook(payment, 'evt_tampered');
    const tampered = await postStripe(good.payload.replace('"amount":2500', '"amount":1'), good.signature);
    expect(tampered.status).toBe(400);

    // A valid webhook for the same payment after them: same key, same partition, so once it is seen, anything the
    // refused ones produced would have been seen before it.
    const marker = stripeWebhook(payment, 'evt_marker');
    expect((await postStripe(marker.payload, marker.signature)).status).toBe(200);
    const mine = () =>
      seen.of(T.commands()).filter((c) => c.key === payment.paymentId && c.type.endsWith('.RecordProviderEvent'));
    await eventually(() => mine().some((c) => c.value.providerEventId === 'evt_marker'), { message: 'marker seen' });
    expect(mine().map((c) => c.value.providerEventId)).toEqual(['evt_marker']);
  });
});

describe('checkout', () => {
  const auth = () => ({ authorization: `Bearer ${sam}`, 'content-type': 'application/json' });

  async function orderAwaitingPayment(provider: 'stripe' | 'paypal') {
    const payment = await requestPayment(provider, 4200);
    await db.collection('orders__g1').insertOne(
      orderDoc(payment.orderId, 'user_sam', {
        status: 'payment_requested',
        paymentProvider: provider,
        total: { amount: 4200, currency: 'EUR' },
        payment: {
          paymentId: payment.paymentId,
          provider,
          amount: { amount: 4200, currency: 'EUR' },
          status: 'requested',
          deadline: Date.now() + 600_000,
          providerReference: null,
          failureReason: null,
        },
        version: 3,
      }) as never,
    );
    return payment;
  }

  it('409 payment_not_ready while the order has no payment requested', async () => {
    const orderId = `order-${randomUUID()}`;
    await db.collection('orders__g1').insertOne(orderDoc(orderId, 'user_sam') as never);
    const res = await fetch(`${gateway.url}/api/orders/${orderId}/payment`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ provider: 'stripe' }),
    });
    expect(res.status).toBe(409);
    expect((await problem(res)).code).toBe('payment_not_ready');
  });

  it('Stripe: a client secret for the payment, then the test-mode button pays it through a signed webhook', async () => {
    const payment = await orderAwaitingPayment('stripe');
    const start = await fetch(`${gateway.url}/api/orders/${payment.orderId}/payment`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ provider: 'stripe' }),
    });
    expect(start.status).toBe(200);
    expect(await start.json()).toMatchObject({
      provider: 'stripe',
      clientSecret: expect.any(String),
      paymentIntentId: expect.stringMatching(/^pi_/),
      testMode: true,
    });
    const wrongProvider = await fetch(`${gateway.url}/api/orders/${payment.orderId}/payment`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ provider: 'paypal' }),
    });
    expect(wrongProvider.status).toBe(409);
    expect((await problem(wrongProvider)).code).toBe('provider_mismatch');

    const pay = await fetch(`${gateway.url}/api/orders/${payment.orderId}/payment/stripe/test-succeed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sam}` },
    });
    expect(pay.status).toBe(202);
    const captured = await eventually(
      () => eventsOf(payment.paymentId).find((e) => e.type.endsWith('.PaymentCaptured')) ?? false,
      { message: 'PaymentCaptured after the test-mode webhook' },
    );
    expect(captured!.value.amount).toEqual({ amount: 4200, currency: 'EUR' });
  });

  it('PayPal: an approval link, then the capture of the approved order is recorded (and its webhook adds nothing)', async () => {
    const payment = await orderAwaitingPayment('paypal');
    const start = await fetch(`${gateway.url}/api/orders/${payment.orderId}/payment`, {
      method: 'POST',
      headers: { ...auth(), origin: 'http://localhost:5173' },
      body: JSON.stringify({ provider: 'paypal' }),
    });
    expect(start.status).toBe(200);
    const { approvalUrl, paypalOrderId } = (await start.json()) as { approvalUrl: string; paypalOrderId: string };
    expect(approvalUrl).toContain(`token=${paypalOrderId}`);

    const early = await fetch(`${gateway.url}/api/orders/${payment.orderId}/payment/paypal/capture`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ paypalOrderId }),
    });
    expect(early.status).toBe(409);
    expect((await problem(early)).code).toBe('order_not_approved');

    const approved = await fetch(`${paypal.url}/sandbox/orders/${paypalOrderId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(approved.ok).toBe(true);
    const capture = await fetch(`${gateway.url}/api/orders/${payment.orderId}/payment/paypal/capture`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ paypalOrderId }),
    });
    expect(capture.status).toBe(202);
    expect(await capture.json()).toEqual({ orderId: payment.orderId, status: 'accepted' });
    await eventually(() => eventsOf(payment.paymentId).some((e) => e.type.endsWith('.PaymentCaptured')), {
      message: 'PaymentCaptured after the capture',
    });

    // The sandbox then delivers PAYMENT.CAPTURE.COMPLETED to /webhooks/paypal, verified through PayPal's API.
    await eventually(() => paypal.deliveries.some((d) => d.state === 'delivered'), { message: 'webhook delivered' });
    const webhookEventId = paypal.deliveries.at(-1)?.event.id;
    const recorded = await eventually(
      () =>
        seen.of(T.commands()).find((c) => c.key === payment.paymentId && c.value.providerEventId === webhookEventId) ??
        false,
      { message: 'the webhook recorded' },
    );
    await eventually(() => seen.of(T.replies()).some((r) => r.value.commandId === recorded.value.commandId), {
      message: 'the webhook command answered',
    });
    expect(eventsOf(payment.paymentId).filter((e) => e.type.endsWith('.PaymentCaptured'))).toHaveLength(1);
  });
});

describe('Clerk webhooks', () => {
  /** Svix / Standard Webhooks: v1 = base64 HMAC-SHA256, keyed by the secret's base64 part, of `id.timestamp.body`. */
  function svix(
    body: unknown,
    id = `msg_${randomUUID()}`,
    at = Math.floor(Date.now() / 1000),
    secret = clerkWebhookSecret,
  ) {
    const payload = JSON.stringify(body);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`${id}.${at}.${payload}`).digest('base64');
    return {
      payload,
      headers: {
        'content-type': 'application/json',
        'svix-id': id,
        'svix-timestamp': String(at),
        'svix-signature': `v1,${signature}`,
      },
    };
  }
  const user = (first: string, role?: string) => ({
    type: 'user.updated',
    object: 'event',
    data: {
      id: 'user_clerk_1',
      first_name: first,
      last_name: 'Lovelace',
      image_url: null,
      primary_email_address_id: 'idn_1',
      email_addresses: [{ id: 'idn_1', email_address: 'ada@example.com' }],
      public_metadata: role ? { role } : {},
      created_at: 1_700_000_000_000,
      updated_at: 1_700_000_000_000,
    },
  });
  const post = (s: { payload: string; headers: Record<string, string> }) =>
    fetch(`${gateway.url}/webhooks/clerk`, { method: 'POST', headers: s.headers, body: s.payload });
  const stored = () => db.collection('users__g1').findOne({ _id: 'user_clerk_1' as never });

  it('records each delivery once through the user service, never over a newer state; a bad signature → 400', async () => {
    const userEvents = topicName('users.events', ns.topicPrefix);
    const users = await observe(ns, [userEvents]);
    try {
      const now = Math.floor(Date.now() / 1000);
      const created = svix({ ...user('Ada', 'admin'), type: 'user.created' }, 'msg_1', now - 10);
      expect(await (await post(created)).json()).toEqual({ received: true, recorded: true });
      await eventually(
        async () =>
          expect(await stored()).toMatchObject({
            name: 'Ada Lovelace',
            email: 'ada@example.com',
            role: 'admin',
            deleted: false,
          }),
        { message: 'the user is in the users read model' },
      );
      // A redelivery, a newer update, and an older one arriving late: all acknowledged once durably on Kafka …
      expect((await post(created)).status).toBe(200);
      expect((await post(svix(user('Augusta', 'admin'), 'msg_3', now))).status).toBe(200);
      expect((await post(svix(user('Stale'), 'msg_2', now - 5))).status).toBe(200);
      // … and each decided: every command of those deliveries answered.
      const answered = () => {
        const ids = new Set(seen.of(T.replies()).map((r) => r.value.commandId));
        return ['msg_1', 'msg_3', 'msg_2'].every((m) => ids.has(deterministicId('clerk-webhook', m)));
      };
      await eventually(answered, { message: 'the user service answered every delivery' });
      // Recorded once each, the late one not at all: msg_1 then msg_3.
      const mine = () => users.of(userEvents).filter((e) => e.key === 'user_clerk_1');
      await eventually(() => mine().length >= 2, { message: 'the user events' });
      expect(mine().map((e) => e.value.svixId)).toEqual(['msg_1', 'msg_3']);
      await eventually(
        async () => expect(await stored()).toMatchObject({ name: 'Augusta Lovelace', role: 'admin', version: 2 }),
        { message: 'the newer update folded' },
      );

      // Not a user event: acknowledged, nothing recorded.
      const session = svix({ type: 'session.created', object: 'event', data: { id: 'sess_1' } }, 'msg_5', now);
      expect(await (await post(session)).json()).toEqual({ received: true, recorded: false });

      const forged = svix(user('Mallory', 'admin'), 'msg_4', now, `whsec_${randomBytes(24).toString('base64')}`);
      const res = await post(forged);
      expect(res.status).toBe(400);
      expect((await problem(res)).code).toBe('invalid_signature');
      const commands = seen.of(T.replies()).map((r) => r.value.commandId);
      expect(commands).not.toContain(deterministicId('clerk-webhook', 'msg_4'));
      expect(await stored()).toMatchObject({ name: 'Augusta Lovelace' });
    } finally {
      await users.stop();
    }
  });
});
