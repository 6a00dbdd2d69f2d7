/**
 * The webhook inbox end to end against the real stack, in this file's namespace: Stripe webhooks signed with the
 * endpoint secret are posted to the real gateway, the real payment service decides their commands, and the real
 * `streamshop webhooks` lists, shows and replays them from commerce.webhooks. A replay of an applied capture changes
 * nothing; a replay of a capture rejected at the time (its payment did not exist yet) applies it once it does.
 */
import { randomUUID } from 'node:crypto';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startPaymentService } from '@streamshop/payment-service/main';
import { providerCheckoutRecorded } from '@streamshop/payment-service/providers';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { RequestPayment } from '@streamshop/schemas/types';
import { createNamespace, eventually, stripeSucceededWebhook } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../../../gateway/src/main.ts';
import { fastConsumer, logger, observe, startTestGateway } from '../../../gateway/test/gateway.fixture.ts';
import type { ReplayResult } from '../src/webhooks.command.ts';
import { cli } from './cli-process.fixture.ts';

const ns = createNamespace(import.meta.url);
const env = { STREAMSHOP_LOG_LEVEL: 'warn' };
const webhooks = (...args: string[]) => cli(['webhooks', ...args, '--prefix', ns.topicPrefix], { env });

let gateway: GatewayRunnable;
let paymentService: Runnable;
let producer: Producer;
let serde: AvroSerde;
let seen: Awaited<ReturnType<typeof observe>>;
const T = {
  commands: () => topicName('payments.commands', ns.topicPrefix),
  events: () => topicName('payments.events', ns.topicPrefix),
  replies: () => topicName('commerce.command-replies', ns.topicPrefix),
  inbox: () => topicName('commerce.webhooks', ns.topicPrefix),
};

beforeAll(async () => {
  gateway = await startTestGateway(ns, ns.config);
  paymentService = startPaymentService(ns.config, { prefix: ns.topicPrefix, logger, consumer: fastConsumer });
  await paymentService.start();
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  producer = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  seen = await observe(ns, [T.commands(), T.events(), T.replies(), T.inbox()]);
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), paymentService?.stop(), seen?.stop(), producer?.disconnect()]);
  await ns.cleanup();
});

/** A payment; its PaymentIntent is set once one is recorded on it (only a capture naming it is the payment's). */
const newPayment = (amount = 2500) => ({
  paymentId: randomUUID(),
  orderId: `order-${randomUUID()}`,
  amount,
  paymentIntent: `pi_${randomUUID().replaceAll('-', '')}`,
});
type Payment = ReturnType<typeof newPayment>;

/**
 * The payment requested as the order saga requests it, with the PaymentIntent the payment service then creates at
 * stripe-mock and records on it (what a webhook's capture must name).
 */
async function requestPayment(p: Payment): Promise<string> {
  const value: RequestPayment = {
    commandId: randomUUID(),
    aggregateId: p.paymentId,
    idempotencyKey: null,
    issuedAt: Date.now(),
    correlationId: p.orderId,
    causationId: null,
    orderId: p.orderId,
    provider: 'stripe',
    amount: { amount: p.amount, currency: 'EUR' },
  };
  await producer.send({
    topic: T.commands(),
    messages: [
      { key: p.paymentId, value: await serde.encode('payments.commands', 'streamshop.payments.RequestPayment', value) },
    ],
  });
  const started = await eventually(
    () => eventsOf(p.paymentId).find((e) => e.type === 'streamshop.payments.PaymentCheckoutStarted') ?? false,
    { message: 'the PaymentIntent recorded' },
  );
  return String(started.value.providerReference);
}

/** Records `p.paymentIntent` on the payment, as the gateway's checkout records the intent it hands the shopper. */
async function recordIntent(p: Payment) {
  const value = providerCheckoutRecorded(
    { paymentId: p.paymentId, correlationId: p.orderId, causationId: null },
    'stripe',
    p.paymentIntent,
    Date.now(),
  );
  await producer.send({
    topic: T.commands(),
    messages: [
      {
        key: p.paymentId,
        value: await serde.encode('payments.commands', 'streamshop.payments.RecordProviderCheckout', value),
      },
    ],
  });
  await eventually(() => eventsOf(p.paymentId).some((e) => e.value.providerReference === p.paymentIntent), {
    message: 'the intent recorded',
  });
}

const eventsOf = (paymentId: string) => seen.of(T.events()).filter((e) => e.value.aggregateId === paymentId);
const captures = (paymentId: string) =>
  eventsOf(paymentId).filter((e) => e.type === 'streamshop.payments.PaymentCaptured');
const repliesTo = (commandId: string) => seen.of(T.replies()).filter((r) => r.value.commandId === commandId);

/** A payment_intent.succeeded as Stripe POSTs it, signed with the endpoint secret (Stripe-Signature v1). */
async function postCapture(p: Payment, eventId = `evt_${randomUUID().replaceAll('-', '')}`) {
  const { payload, signature } = stripeSucceededWebhook(
    { ...p, currency: 'EUR' },
    ns.config.stripe.webhookSecret,
    eventId,
  );
  const res = await fetch(`${gateway.url}/webhooks/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signature,
      // Never kept: the inbox holds only the headers verification and audit need.
      authorization: 'Bearer not-for-the-inbox',
      cookie: 'session=not-for-the-inbox',
    },
    body: payload,
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ received: true, recorded: true });
  const command = await eventually(
    () => seen.of(T.commands()).find((c) => c.value.providerEventId === eventId) ?? false,
    { message: `the command of ${eventId}` },
  );
  return { eventId, payload, commandId: command.value.commandId as string };
}

interface ListedJson {
  provider: string;
  providerEventId: string;
  eventType: string;
  verification: string;
  command: { type: string; commandId: string; aggregateId: string } | null;
  copies: number;
  headers?: Record<string, string>;
  body?: unknown;
}
const json = <T>(lines: string[]) => lines.map((l) => JSON.parse(l) as T);

describe('streamshop webhooks', () => {
  it('a verified Stripe webhook is kept with its raw body and the command it became; list and show it', async () => {
    const p = newPayment();
    p.paymentIntent = await requestPayment(p);
    const { eventId, payload, commandId } = await postCapture(p);
    await eventually(() => captures(p.paymentId).length === 1, { message: 'PaymentCaptured' });
    // Delivered again (as after a lost 2xx): a second inbox record of the same provider event.
    await postCapture(p, eventId);
    await eventually(() => seen.of(T.inbox()).filter((r) => r.key === eventId).length === 2, {
      message: 'two inbox records',
    });

    const list = await webhooks('list', '--json', '--provider', 'stripe');
    expect(list.code, list.stderr).toBe(0);
    const listed = json<ListedJson>(list.lines).filter((e) => e.providerEventId === eventId);
    expect(listed).toEqual([
      expect.objectContaining({
        provider: 'stripe',
        eventType: 'payment_intent.succeeded',
        verification: expect.stringMatching(/Stripe-Signature/),
        command: { type: 'streamshop.payments.RecordProviderEvent', commandId, aggregateId: p.paymentId },
        copies: 2,
      }),
    ]);
    const table = await webhooks('list', '--since', '10m');
    expect(table.code, table.stderr).toBe(0);
    expect(table.lines[0]).toMatch(/^RECEIVED AT\s+PROVIDER\s+EVENT ID\s+TYPE\s+BECAME\s+COPIES$/);
    expect(table.lines.find((l) => l.includes(eventId))).toMatch(/RecordProviderEvent → [0-9a-f-]{36}\s+2$/);

    const show = await webhooks('show', eventId, '--json');
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.lines[0]!) as ListedJson;
    expect(shown.body).toEqual(JSON.parse(payload));
    expect(shown.headers).toMatchObject({ 'stripe-signature': expect.stringMatching(/^t=\d+,v1=[0-9a-f]{64}$/) });
    expect(Object.keys(shown.headers!).sort()).toEqual(['content-type', 'stripe-signature', 'user-agent']);
    const text = await webhooks('show', eventId);
    expect(text.stdout).toMatch(/became\s+streamshop\.payments\.RecordProviderEvent/);
    expect(text.stdout).toContain('"payment_intent.succeeded"');

    const missing = await webhooks('show', 'evt_not_kept');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no webhook with event id evt_not_kept .*streamshop webhooks list/);
  });

  it('replaying a capture that was already applied changes nothing: one capture, answered as the original', async () => {
    const p = newPayment();
    p.paymentIntent = await requestPayment(p);
    const { eventId, commandId } = await postCapture(p);
    await eventually(() => captures(p.paymentId).length === 1 && repliesTo(commandId).length === 1, {
      message: 'captured and answered',
    });
    const original = repliesTo(commandId)[0]!.value;

    const r = await webhooks('replay', eventId, '--json');
    expect(r.code, r.stderr).toBe(0);
    const [result] = json<ReplayResult>(r.lines);
    expect(result).toMatchObject({ action: 'sent', command: { commandId }, reply: { outcome: 'accepted' } });
    expect(result!.reply).toMatchObject({ eventIds: original.eventIds });
    await eventually(() => repliesTo(commandId).length === 2, { message: 'the replay answered' });
    expect(captures(p.paymentId)).toHaveLength(1);
    expect(eventsOf(p.paymentId).map((e) => e.type)).toEqual([
      'streamshop.payments.PaymentRequested',
      'streamshop.payments.PaymentCheckoutStarted',
      'streamshop.payments.PaymentCaptured',
    ]);
  });

  it('a replay after the cause is gone applies what was rejected when it arrived', async () => {
    const p = newPayment(4200);
    // The capture arrives before the payment exists (the saga's RequestPayment is late): rejected.
    const { eventId, commandId } = await postCapture(p);
    const rejected = await eventually(() => repliesTo(commandId)[0] ?? false, {
      message: 'the early capture answered',
    });
    expect(rejected.value).toMatchObject({ outcome: 'rejected', rejectionCode: 'payment_not_found' });

    const dry = await webhooks('replay', '--since', '10m', '--provider', 'stripe', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(json<ReplayResult>(dry.lines).find((x) => x.providerEventId === eventId)).toMatchObject({
      action: 'would-send',
      command: { commandId, aggregateId: p.paymentId },
    });
    expect(repliesTo(commandId)).toHaveLength(1); // a dry run sends nothing

    // Replayed while the payment still does not exist: still rejected, and the CLI says so with exit code 1.
    const early = await webhooks('replay', eventId);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/rejected payment_not_found/);

    // The cause goes: the payment is requested, and the intent the capture names is recorded on it.
    await requestPayment(p);
    await recordIntent(p);
    const r = await webhooks('replay', eventId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`replayed\\s+stripe ${eventId}: RecordProviderEvent ${commandId} .*accepted`));
    await eventually(() => captures(p.paymentId).length === 1, { message: 'captured by the replay' });
    expect(captures(p.paymentId)[0]!.value).toMatchObject({
      providerEventId: eventId,
      amount: { amount: 4200, currency: 'EUR' },
    });
    // And replayed once more: still one capture.
    expect((await webhooks('replay', eventId)).code).toBe(0);
    await eventually(() => repliesTo(commandId).length === 4, { message: 'every replay answered' });
    expect(captures(p.paymentId)).toHaveLength(1);
  });

  it('replay refuses an unknown id or no selection, naming what to do', async () => {
    const none = await webhooks('replay');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/provider event ids, or a range with --since/);
    const unknown = await webhooks('replay', 'evt_not_kept', '--dry-run');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no webhook with event id evt_not_kept/);
  });
});
