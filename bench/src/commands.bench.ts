/**
 * `npm run bench:commands`: orders/s through the write side, PlaceOrder → OrderPlaced committed by the order
 * service (decide, Avro-encode the events, replies and the saga's ReserveStock commands, one Kafka transaction per
 * batch with the offsets), next to a raw baseline measured in the same run: a transactional kafkajs producer writing
 * records of the same size in transactions of the same kind. Ends with `ratio <orders/s ÷ raw records/s>`.
 *
 * Method: the service is started and warmed up first (group joined, partitions rebuilt, schemas registered), then N
 * PlaceOrder commands are produced as fast as possible, and the clock stops when the service's committed offsets on
 * orders.commands cover all N: every order's events, reply and follow-ups are then durably committed.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@streamshop/config';
import { startOrderService } from '@streamshop/order-service/main';
import { AvroSerde } from '@streamshop/schemas/serde';
import type { PlaceOrder } from '@streamshop/schemas/types';
import type { Admin, Producer } from 'kafkajs';
import { pino } from 'pino';
import { benchArgs, benchNamespace, rate, report } from './measure.ts';

const args = benchArgs(
  'bench:commands',
  'Orders/s through the write side (PlaceOrder → OrderPlaced committed) against raw transactional produce/s.',
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

  // Raw baseline: the same number of records of the same size, through a transactional producer, one
  // transaction per batch — what the runtime does at its minimum.
  const raw = ns.kafka.producer({ transactionalId: `${ns.prefix}raw`, idempotent: true, maxInFlightRequests: 1 });
  await raw.connect();
  const payload = Buffer.alloc(size, 7);
  const rawTopic = ns.rawTopic;
  const rawStart = performance.now();
  for (let i = 0; i < args.count; i += args.batch) {
    const tx = await raw.transaction();
    const n = Math.min(args.batch, args.count - i);
    await tx.send({
      topic: rawTopic,
      messages: Array.from({ length: n }, (_, j) => ({ key: `k${i + j}`, value: payload })),
    });
    await tx.commit();
  }
  const rawMs = performance.now() - rawStart;
  await raw.disconnect();

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

  const start = performance.now();
  await produceAll(producer, commands.slice(1), args.batch);
  while ((await committedTotal(admin, groupId)) < args.count + 1) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - start;

  await producer.disconnect();
  await admin.disconnect();
  await service.stop();

  const ordersPerSec = rate(args.count, ms);
  const rawPerSec = rate(args.count, rawMs);
  console.log(`${args.count} orders, PlaceOrder record ${size} bytes, raw transactions of ${args.batch} records`);
  report(
    [
      ['write side: PlaceOrder → OrderPlaced committed', ordersPerSec, 'orders/s'],
      ['raw: transactional kafkajs produce, same size', rawPerSec, 'records/s'],
    ],
    ordersPerSec / rawPerSec,
  );
} finally {
  await ns.cleanup();
}
