/**
 * The notification service's owed-message half on the real stack (Kafka, the registry, Avro): order events written
 * to orders.events as the order service writes them reach the reactor, become mailbox commands, and the Mailbox
 * decider records exactly one NotificationRequested per message, addressed from the order's own contact. Records
 * the reactor cannot read (not Avro, or not an event it knows) are dead-lettered and the events behind them on the
 * same partition still go through.
 */
import { randomUUID } from 'node:crypto';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { AvroSerde, ensureTopics, type RecordTypes, type TopicName, topicName } from '@streamshop/schemas';
import type { EventEnvelope, OrdersEventName } from '@streamshop/schemas/types';
import { createNamespace, eventually, fastConsumer, type Namespace, testLogger } from '@streamshop/testkit';
import { Partitioners, type Producer, type RecordMetadata } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNotificationService } from '../src/main.ts';

interface Seen {
  key: string | null;
  headers: Record<string, string>;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads fields of several record types.
  value: Record<string, any>;
}

let ns: Namespace;
let serde: AvroSerde;
let service: Runnable;
let producer: Producer;
let stopObserver: () => Promise<void>;
const seen = new Map<string, Seen[]>();
const of = (topic: TopicName) => seen.get(topicName(topic, ns.topicPrefix)) ?? [];

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  service = startNotificationService(ns.config, {
    prefix: ns.topicPrefix,
    logger: testLogger(),
    consumer: fastConsumer,
    fencedBackoffMs: 2_000,
  });
  await service.start();
  producer = ns.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  const topics = (['notifications.events', 'commerce.dlq'] as const).map((t) => topicName(t, ns.topicPrefix));
  for (const t of topics) seen.set(t, []);
  const consumer = ns.kafka.consumer({ groupId: `${ns.id}-observer`, readUncommitted: false, ...fastConsumer });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      let decoded: { type: string; value: Record<string, unknown> } = { type: '?', value: {} };
      try {
        decoded = (await serde.decode(message.value ?? Buffer.alloc(0))) as unknown as typeof decoded;
      } catch {}
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      seen.get(topic)!.push({ key: message.key?.toString() ?? null, headers, ...decoded });
    },
  });
  stopObserver = () => consumer.disconnect();
});

afterAll(async () => {
  await stopObserver?.();
  await producer?.disconnect();
  await service?.stop();
  await ns?.cleanup();
});

/** Writes an order event to the test's orders.events as the order service does: Avro, keyed by the order. */
async function orderEvent<N extends OrdersEventName>(
  name: N,
  orderId: string,
  version: number,
  payload: Omit<RecordTypes[N], keyof EventEnvelope>,
  eventId: string = randomUUID(),
): Promise<string> {
  const envelope: EventEnvelope = {
    eventId,
    aggregateId: orderId,
    aggregateVersion: version,
    occurredAt: Date.now(),
    correlationId: `corr-${orderId}`,
    causationId: randomUUID(),
    actorId: null,
  };
  const value = await serde.encode('orders.events', name as never, { ...envelope, ...payload } as never);
  await producer.send({ topic: topicName('orders.events', ns.topicPrefix), messages: [{ key: orderId, value }] });
  return eventId;
}

async function raw(topic: TopicName, key: string, value: Buffer): Promise<RecordMetadata> {
  const [meta] = await producer.send({ topic: topicName(topic, ns.topicPrefix), messages: [{ key, value }] });
  return meta!;
}

const placed = (email: string) => ({
  customerId: 'user_1',
  lines: [{ sku: 'TEA-1', quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' }, name: 'Assam', category: null }],
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 St James Square',
    line2: null,
    postalCode: 'SW1Y 4JH',
    city: 'London',
    region: null,
    country: 'GB',
  },
  currency: 'EUR',
  total: { amount: 2500, currency: 'EUR' },
  paymentProvider: 'stripe' as const,
  contact: { email, name: 'Ada Lovelace', locale: 'en-GB' },
});

const requestsFor = (orderId: string) =>
  of('notifications.events').filter(
    (r) => r.type === 'streamshop.notifications.NotificationRequested' && r.value.orderId === orderId,
  );

it('an order placed with a contact and then shipped owes exactly one order_shipped message, to that contact', async () => {
  const orderId = `order-${randomUUID()}`;
  const email = `ada+${orderId}@${ns.mailDomain}`;
  await orderEvent('streamshop.orders.OrderPlaced', orderId, 1, placed(email));
  const shippedId = await orderEvent('streamshop.orders.OrderShipped', orderId, 2, {
    carrier: 'DHL',
    trackingNumber: 'JJD000390007',
  });
  // The same event delivered again (a producer retry, a replay): the reactor derives the same command, a no-op.
  await orderEvent(
    'streamshop.orders.OrderShipped',
    orderId,
    2,
    { carrier: 'DHL', trackingNumber: 'JJD000390007' },
    shippedId,
  );
  // A later event on the same partition: once its message is owed, everything before it has been processed.
  await orderEvent('streamshop.orders.OrderDelivered', orderId, 3, {});

  await eventually(() => requestsFor(orderId).some((r) => r.value.kind === 'order_delivered'), {
    timeoutMs: 90_000,
    message: 'the order_delivered message is owed',
  });
  const shipped = requestsFor(orderId).filter((r) => r.value.kind === 'order_shipped');
  expect(shipped).toHaveLength(1);
  expect(shipped[0]!.key).toBe(orderId);
  expect(shipped[0]!.value).toMatchObject({
    aggregateId: orderId,
    notificationId: `order_shipped:${orderId}`,
    attempt: 1,
    to: [email],
    recipientName: 'Ada Lovelace',
    locale: 'en-GB',
    carrier: 'DHL',
    trackingNumber: 'JJD000390007',
    messageId: `order_shipped.${orderId}@${new URL(ns.config.shop.publicUrl).hostname}`,
  });
  // The contact was noted first, on the same mailbox, and nothing was skipped.
  const mailbox = of('notifications.events').filter((r) => r.value.aggregateId === orderId);
  expect(mailbox[0]!.type).toBe('streamshop.notifications.OrderContactNoted');
  expect(mailbox.filter((r) => r.type === 'streamshop.notifications.NotificationSkipped')).toEqual([]);
});

it('a malformed record and an unknown record type on orders.events are dead-lettered; the events after them go through', async () => {
  const orderId = `order-${randomUUID()}`;
  const email = `grace+${orderId}@${ns.id.replace(/_/g, '-')}.test`;
  // Same key as the order's events: same partition, so they are read after the poison.
  const garbage = await raw('orders.events', orderId, Buffer.from('definitely not avro'));
  // Valid Avro of a registered record, but a command (as encoded for orders.commands), not an event it reads.
  const command = await serde.encode(
    'orders.commands',
    'streamshop.orders.DeliverOrder' as never,
    {
      commandId: randomUUID(),
      aggregateId: orderId,
      idempotencyKey: null,
      issuedAt: Date.now(),
      correlationId: 'corr',
      causationId: null,
      actorId: null,
    } as never,
  );
  const unknown = await raw('orders.events', orderId, command);
  await orderEvent('streamshop.orders.OrderPlaced', orderId, 1, placed(email));
  await orderEvent('streamshop.orders.OrderCancelled', orderId, 2, { reason: 'customer_request', by: 'customer' });

  await eventually(() => requestsFor(orderId).some((r) => r.value.kind === 'order_cancelled'), {
    timeoutMs: 90_000,
    message: 'the order after the poison owes its order_cancelled message',
  });
  expect(requestsFor(orderId)[0]!.value).toMatchObject({ to: [email], reason: 'customer_request' });
  const dead = await eventually(
    () => {
      const mine = of('commerce.dlq').filter((r) => r.key === orderId);
      return mine.length === 2 ? mine : false;
    },
    { timeoutMs: 30_000, message: 'both unreadable records are dead-lettered' },
  );
  const source = (meta: RecordMetadata) => ({
    'dlq.source.topic': ns.topic('orders.events'),
    'dlq.source.partition': String(meta.partition),
    'dlq.source.offset': meta.baseOffset,
  });
  expect(dead![0]!.headers).toMatchObject(source(garbage));
  expect(dead![0]!.headers['dlq.error']).toMatch(/Not a Confluent-framed Avro record/);
  expect(dead![1]!.headers).toMatchObject(source(unknown));
  expect(dead![1]!.headers['dlq.error']).toMatch(/DeliverOrder is not an order, invoicing or inventory event/);
});
