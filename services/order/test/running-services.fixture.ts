/**
 * The four services as they really run (`start<Name>Service`, the same factories `streamshop run services` uses)
 * under a test file's topic prefix, with what a test needs around them: Avro commands sent as the gateway will
 * send them, a read_committed observer of the topics the services write, and a recording proxy in front of
 * stripe-mock that shows which Stripe calls the payment service made (stripe-mock itself keeps nothing).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCatalogService } from '@streamshop/catalog-service/main';
import { allOf } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startInventoryService } from '@streamshop/inventory-service/main';
import { startPaymentService } from '@streamshop/payment-service/main';
import {
  type AvroSerde,
  type CommandEnvelope,
  type Context,
  ensureTopics,
  type OrderLine,
  type RecordName,
  type RecordTypes,
  type TopicName,
  topicName,
} from '@streamshop/schemas';
import { eventually, fastConsumer, type Namespace, testLogger } from '@streamshop/testkit';
import { Partitioners, type RecordMetadata } from 'kafkajs';
import { ADDRESS, eur } from '../src/domain/order.fixtures.ts';
import { startOrderService } from '../src/main.ts';

export const logger = testLogger();

/** Creates the catalog's topics under the prefix and starts catalog, inventory, order and payment services. */
export async function startServices(ns: Namespace, config: Config): Promise<Runnable> {
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  const options = { prefix: ns.topicPrefix, logger, consumer: fastConsumer, fencedBackoffMs: 2_000 };
  const services = allOf(
    [startCatalogService, startInventoryService, startOrderService, startPaymentService].map((start) =>
      start(config, options),
    ),
  );
  await services.start();
  return services;
}

type CommandName = Extract<RecordName, `streamshop.${Context}.${string}`>;
export interface Command<N extends CommandName = CommandName> {
  type: N;
  value: RecordTypes[N] & CommandEnvelope;
}

/** A command as the gateway sends it: a fresh id, no causation, issued now. */
export function command<N extends CommandName>(
  type: N,
  aggregateId: string,
  payload: Omit<RecordTypes[N], keyof CommandEnvelope>,
  envelope: Partial<CommandEnvelope> = {},
): Command<N> {
  const commandId = envelope.commandId ?? randomUUID();
  const value = {
    commandId,
    aggregateId,
    idempotencyKey: null,
    issuedAt: Date.now(),
    correlationId: `corr-${commandId}`,
    causationId: null,
    ...envelope,
    ...payload,
  };
  return { type, value: value as RecordTypes[N] & CommandEnvelope };
}

export const receiveStock = (sku: string, quantity: number) =>
  command('streamshop.inventory.ReceiveStock', sku, { quantity, reference: null });

/** A shopper's PlaceOrder (paying with Stripe, shipping to ADDRESS), as the gateway sends it. */
export const placeOrder = (orderId: string, lines: OrderLine[], envelope: Partial<CommandEnvelope> = {}) =>
  command(
    'streamshop.orders.PlaceOrder',
    orderId,
    {
      customerId: 'user_1',
      lines,
      shippingAddress: ADDRESS,
      currency: 'EUR',
      paymentProvider: 'stripe',
      contact: { email: 'ada@example.com', name: 'Ada Lovelace', locale: 'en-GB' },
    },
    envelope,
  );

/**
 * The PaymentIntent the payment service created for a payment, once recorded on it (PaymentCheckoutStarted): the
 * Payment decider accepts a capture only on a recorded reference, so a test pays that one.
 */
export async function recordedIntent(
  seen: { stream(topic: TopicName, aggregateId: string): Observed[] },
  paymentId: string,
): Promise<string> {
  const started = await eventually(
    () => seen.stream('payments.events', paymentId).find((e) => e.type.endsWith('.PaymentCheckoutStarted')) ?? false,
    { timeoutMs: 60_000, message: `the PaymentIntent of ${paymentId} recorded` },
  );
  return String(started!.value.providerReference);
}

/** What the gateway's Stripe webhook sends once a payment is captured. */
export const paymentCaptured = (paymentId: string, paymentIntent: string, amount: number) =>
  command('streamshop.payments.RecordProviderEvent', paymentId, {
    providerEventId: `evt_${randomUUID()}`,
    kind: 'captured',
    providerReference: paymentIntent,
    amount: eur(amount),
    failureReason: null,
  });

/** Sends Avro commands to their context's `.commands` topic keyed by aggregate id, or raw bytes anywhere. */
export async function commandSender(ns: Namespace, serde: AvroSerde) {
  const producer = ns.kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async send(...commands: Command[]): Promise<void> {
      for (const c of commands) {
        const logical = `${c.type.split('.')[1] as Context}.commands` as const;
        const value = await serde.encode(logical, c.type as never, c.value as never);
        await producer.send({
          topic: topicName(logical, ns.topicPrefix),
          messages: [{ key: c.value.aggregateId, value }],
        });
      }
    },
    async sendRaw(topic: TopicName, key: string, value: Buffer): Promise<RecordMetadata> {
      const [meta] = await producer.send({ topic: topicName(topic, ns.topicPrefix), messages: [{ key, value }] });
      return meta!;
    },
    stop: () => producer.disconnect(),
  };
}

export interface Observed {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** Full Avro record name, or `?` when the bytes are not one of ours. */
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read fields of many record types.
  value: Record<string, any>;
}

/** Everything a read_committed consumer sees on `topics` (logical names), in partition order. */
export async function observe(ns: Namespace, serde: AvroSerde, topics: TopicName[]) {
  const seen = new Map<string, Observed[]>(topics.map((t) => [topicName(t, ns.topicPrefix), []]));
  const consumer = ns.kafka.consumer({
    groupId: `${ns.id}-observer-${randomUUID()}`,
    readUncommitted: false,
    ...fastConsumer,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...seen.keys()], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      let decoded: { type: string; value: Record<string, unknown> } = { type: '?', value: {} };
      try {
        decoded = (await serde.decode(message.value ?? Buffer.alloc(0))) as unknown as typeof decoded;
      } catch {}
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      seen.get(topic)!.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        headers,
        ...decoded,
      });
    },
  });
  const of = (topic: TopicName) => seen.get(topicName(topic, ns.topicPrefix))!;
  return {
    of,
    /** Events of one aggregate, in log order. */
    stream: (topic: TopicName, aggregateId: string) => of(topic).filter((r) => r.value.aggregateId === aggregateId),
    stop: () => consumer.disconnect(),
  };
}

export const shortTypes = (records: Observed[]) => records.map((r) => r.type.slice(r.type.lastIndexOf('.') + 1));

export interface StripeCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  body: URLSearchParams;
  status: number;
  response: Record<string, unknown>;
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

/** An HTTP proxy to stripe-mock that records every call; point `config.stripe.apiBase` at `url`. */
export async function stripeRecorder(
  stripeMock: string,
): Promise<{ url: string; calls: StripeCall[]; close(): Promise<void> }> {
  const calls: StripeCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !HOP_BY_HOP.has(k)),
      ) as Record<string, string>;
      try {
        const upstream = await fetch(new URL(req.url ?? '/', stripeMock), {
          method: req.method,
          headers,
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
        });
        const text = await upstream.text();
        calls.push({
          method: req.method ?? '?',
          path: req.url ?? '/',
          idempotencyKey: req.headers['idempotency-key'] as string | undefined,
          body: new URLSearchParams(body),
          status: upstream.status,
          response: JSON.parse(text) as Record<string, unknown>,
        });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(text);
      } catch (err) {
        res.writeHead(502).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
