/**
 * `npm run bench:commands`: orders/s through the write side, PlaceOrder → OrderPlaced committed by the order
 * service (decide, Avro-encode the events, replies and the saga's ReserveStock commands, one Kafka transaction per
 * batch with the offsets), next to raw baselines that write **the same records in the same transactions** in the
 * same run. Ends with `ratio <service records/s ÷ raw transactional records/s>`.
 *
 * Method: the service is started and warmed up first (group joined, partitions rebuilt, schemas registered), then N
 * PlaceOrder commands are produced as fast as possible, and the clock stops when the service's committed offsets on
 * orders.commands cover all N: every order's events, reply and follow-ups are then durably committed. Then we count
 * what it wrote: the records on its three output topics (read_committed), and its transactions, which are the
 * commit markers on orders.events (each transaction writes its input partition's co-partitioned events partition,
 * and a marker takes one offset there: end offset − records). The raw side then writes that many records in that
 * many transactions of the average size, with the producer settings the service uses (the same
 * TRANSACTIONAL_SEND_RETRY), and, as the ceiling, the same records without transactions (idempotent, acks=all).
 * A ratio above 1 would mean the baseline is wrong.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@streamshop/config';
import { TRANSACTIONAL_SEND_RETRY } from '@streamshop/eventsourcing-kafka';
import { startOrderService } from '@streamshop/order-service/main';
import { AvroSerde } from '@streamshop/schemas/serde';
import type { PlaceOrder } from '@streamshop/schemas/types';
import type { Admin, Producer } from 'kafkajs';
import { pino } from 'pino';
import { benchArgs, benchNamespace, rate, report } from './measure.ts';

const args = benchArgs(
  'bench:commands',
  'Orders/s through the write side (PlaceOrder → OrderPlaced committed) against raw produce of the same records in the same transactions.',
  { count: 5000, batch: 100 },
  'orders',
);
const config = loadConfig();
const ns = await benchNamespace(config, 'commands');
const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.prefix });
const commandsTopic = ns.topic('orders.commands');

function placeOrder(i: number): PlaceOrder {
  const orderId = randomUUID();
  return {
    commandId: randomUUID(),
    aggregateId: orderId,
    idempotencyKey: null,
    issuedAt: Date.now(),
    correlationId: randomUUID(),
    causationId: null,
    customerId: `customer-${i % 97}`,
    currency: 'EUR',
    paymentProvider: 'stripe',
    contact: null,
    lines: [
      { sku: `SKU-${i % 40}`, quantity: 1, unitPrice: { amount: 1999, currency: 'EUR' }, name: null, category: null },
      {
        sku: `SKU-${(i + 7) % 40}`,
        quantity: 2,
        unitPrice: { amount: 450, currency: 'EUR' },
        name: null,
        category: null,
      },
    ],
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '12 Rue de la Paix',
      line2: null,
      postalCode: '75002',
      city: 'Paris',
      region: null,
      country: 'FR',
    },
  };
}

async function produceAll(producer: Producer, encoded: { key: string; value: Buffer }[], batch: number): Promise<void> {
  for (let i = 0; i < encoded.length; i += batch) {
    await producer.send({ topic: commandsTopic, messages: encoded.slice(i, i + batch) });
  }
}

async function committedTotal(admin: Admin, groupId: string): Promise<number> {
  const [topic] = await admin.fetchOffsets({ groupId, topics: [commandsTopic] });
  return (topic?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** What the service has written so far: committed records on its output topics, and its commit markers. */
async function written(admin: Admin): Promise<{ records: number; markers: number }> {
  const topics = [ns.topic('orders.events'), ns.topic('commerce.command-replies'), ns.topic('inventory.commands')];
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, BigInt(p.high));
  }
  const perTopic = new Map<string, number>();
  const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([k]) => k));
  if (pending.size > 0) {
    const reader = ns.kafka.consumer({ groupId: `${ns.prefix}count-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await reader.connect();
    for (const topic of topics) await reader.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void reader.run({
        eachBatch: async ({ batch }) => {
          perTopic.set(batch.topic, (perTopic.get(batch.topic) ?? 0) + batch.messages.length);
          const k = `${batch.topic}:${batch.partition}`;
          if (BigInt(batch.lastOffset()) + 1n >= (ends.get(k) ?? 0n)) pending.delete(k);
          if (pending.size === 0) resolve();
        },
      });
    });
    await reader.disconnect();
  }
  const eventsTopic = ns.topic('orders.events');
  const eventsEnd = [...ends].filter(([k]) => k.startsWith(`${eventsTopic}:`)).reduce((sum, [, e]) => sum + e, 0n);
  const records = [...perTopic.values()].reduce((a, b) => a + b, 0);
  return { records, markers: Number(eventsEnd) - (perTopic.get(eventsTopic) ?? 0) };
}

/** Writes `count` records of `size` bytes to the raw topic in batches of `perBatch`; the elapsed ms. */
async function rawProduce(count: number, perBatch: number, size: number, transactional: boolean): Promise<number> {
  const raw = transactional
    ? ns.kafka.producer({
        transactionalId: `${ns.prefix}raw-${randomUUID()}`,
        idempotent: true,
        maxInFlightRequests: 1,
        retry: TRANSACTIONAL_SEND_RETRY,
      })
    : ns.kafka.producer({ idempotent: true });
  await raw.connect();
  const payload = Buffer.alloc(size, 7);
  const start = performance.now();
  for (let i = 0; i < count; i += perBatch) {
    const messages = Array.from({ length: Math.min(perBatch, count - i) }, (_, j) => ({
      key: `k${i + j}`,
      value: payload,
    }));
    if (transactional) {
      const tx = await raw.transaction();
      await tx.send({ topic: ns.rawTopic, messages });
      await tx.commit();
    } else {
      await raw.send({ topic: ns.rawTopic, messages, acks: -1 });
    }
  }
  const ms = performance.now() - start;
  await raw.disconnect();
  return ms;
}

try {
  const commands = await Promise.all(
    Array.from({ length: args.count + 1 }, async (_, i) => {
      const value = placeOrder(i);
      return {
        key: value.aggregateId,
        value: await serde.encode('orders.commands', 'streamshop.orders.PlaceOrder', value),
      };
    }),
  );
  const size = commands[0]!.value.length;

  // The write side: warm up with one order, then measure N.
  const service = startOrderService(config, { prefix: ns.prefix, logger: pino({ level: 'error' }) });
  await service.start();
  const admin = ns.kafka.admin();
  await admin.connect();
  // The runtime names the consumer group after the service, under the prefix (see serviceWiring).
  const groupId = `${ns.prefix.replace(/\.+$/, '')}.order-service`;
  const producer = ns.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await produceAll(producer, commands.slice(0, 1), 1);
  while ((await committedTotal(admin, groupId).catch(() => 0)) < 1) await new Promise((r) => setTimeout(r, 100));
  const before = await written(admin);

  const start = performance.now();
  await produceAll(producer, commands.slice(1), args.batch);
  while ((await committedTotal(admin, groupId)) < args.count + 1) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - start;
  await producer.disconnect();
  await service.stop();

  const after = await written(admin);
  await admin.disconnect();
  const records = after.records - before.records;
  const transactions = after.markers - before.markers;
  const perTransaction = Math.max(1, Math.round(records / transactions));
  console.log(
    `${args.count} orders: the service wrote ${records} records (${(records / args.count).toFixed(1)} an order) in ${transactions} transactions (${perTransaction} records each on average)`,
  );

  // Raw, transactional: the same records in the same number of transactions, the service's producer settings.
  const rawTx = await rawProduce(records, perTransaction, size, true);
  // Raw ceiling: the same records without transactions.
  const rawPlain = await rawProduce(records, perTransaction, size, false);

  const ordersPerSec = rate(args.count, ms);
  const servicePerSec = rate(records, ms);
  console.log(`write side: ${ordersPerSec.toFixed(0)} orders/s; PlaceOrder record ${size} bytes`);
  report(
    [
      ['write side: records committed (events, replies, commands)', servicePerSec, 'records/s'],
      [`raw: transactional, ${perTransaction} records a transaction`, rate(records, rawTx), 'records/s'],
      ['raw ceiling: idempotent, no transactions', rate(records, rawPlain), 'records/s'],
    ],
    servicePerSec / rate(records, rawTx),
  );
} finally {
  await ns.cleanup();
}
