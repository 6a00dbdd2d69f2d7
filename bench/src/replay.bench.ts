/**
 * `npm run bench:replay -- --model inventory|orders --events N`: events/s folded by a projection rebuild from offset
 * zero (what an operator's rebuild costs), next to a raw kafkajs consumer reading the same topic in the same run.
 * Prints the fold rate of each tenth of the run (a fold whose cost grows with the model's size collapses towards
 * the end) and ends with `ratio <projection events/s ÷ raw events/s>`.
 *
 * Method: N events are produced (Avro, the registry serde) to a fresh events topic. The raw side is a kafkajs
 * consumer group counting records from the beginning until it has seen N (no decoding). The projection side is the
 * real projection's rebuild (`rebuildProjection`, a point-in-time copy as of the far future so it stops at the end):
 * decode, version guard, load by `_id`, one bulkWrite per slice into MongoDB, cache invalidation in Redis, offsets
 * committed after the writes. Both clocks start before the consumer joins its group.
 *
 * - `inventory`: stock movements over 40 SKUs, so the model stays 40 documents: the loop's own cost.
 * - `orders`: the sample order stream (orders.sample-stream.ts: placed, reserved, paid, confirmed, some cancelled
 *   or refunded; about 6 events an order), so N = 1,000,000 is about 150,000 orders: the model that grows with the
 *   business, where every event loads and rewrites its order by `_id` (guarded by `_rev`, as it folds two topics).
 */
import { loadConfig } from '@streamshop/config';
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import { type ProjectionDefinition, rebuildProjection } from '@streamshop/projection-runtime';
import { PROJECTIONS } from '@streamshop/projections/definitions';
import { sampleOrderStream } from '@streamshop/projections/sample-stream';
import { readSideWiring } from '@streamshop/projections/wiring';
import { AvroSerde } from '@streamshop/schemas/serde';
import type { TopicName } from '@streamshop/schemas/topics';
import type { InventoryEventName, RecordTypes } from '@streamshop/schemas/types';
import { pino } from 'pino';
import { benchArgs, benchNamespace, rate, report } from './measure.ts';

const args = benchArgs(
  'bench:replay',
  'Events/s folded by a projection rebuild against a raw kafkajs consumer of the same topic.',
  { count: 100_000, batch: 1_000 },
  'events',
  { model: { values: ['inventory', 'orders'] as const, help: 'the read model to rebuild' } },
);
const config = loadConfig();
const ns = await benchNamespace(config, 'replay');
const sourceTopic: TopicName = args.model === 'orders' ? 'orders.events' : 'inventory.events';
const topic = ns.topic(sourceTopic);
const SKUS = 40;

/** Event i: a movement on SKU i mod 40, at that SKU's next version, with consistent levels. */
function stockEvent(i: number): { key: string; type: InventoryEventName; value: RecordTypes[InventoryEventName] } {
  const sku = `SKU-${String(i % SKUS).padStart(3, '0')}`;
  const version = Math.floor(i / SKUS) + 1;
  const envelope = {
    eventId: deterministicId('bench-replay', i),
    aggregateId: sku,
    aggregateVersion: version,
    occurredAt: Date.UTC(2026, 0, 1) + i,
    correlationId: sku,
    causationId: deterministicId('bench-replay-command', i),
  };
  const onHand = 1_000_000 - version;
  if (version % 2 === 1) {
    return {
      key: sku,
      type: 'streamshop.inventory.StockReserved',
      value: {
        ...envelope,
        orderId: envelope.eventId,
        line: 0,
        quantity: 1,
        expiresAt: envelope.occurredAt + 3_600_000,
        levels: { onHand, reserved: 1, available: onHand - 1 },
      },
    };
  }
  return {
    key: sku,
    type: 'streamshop.inventory.ReservationCommitted',
    value: {
      ...envelope,
      orderId: envelope.eventId,
      line: 0,
      quantity: 1,
      levels: { onHand, reserved: 0, available: onHand },
    },
  };
}

/** The first `count` events of the sample order stream, produced in chunks of orders (each chunk interleaved). */
function* orderEvents(count: number) {
  const ORDERS_PER_CHUNK = 2_000;
  let emitted = 0;
  for (let first = 0; emitted < count; first += ORDERS_PER_CHUNK) {
    const chunk = sampleOrderStream({
      seed: 'bench-replay',
      count: ORDERS_PER_CHUNK,
      first,
      startAt: Date.UTC(2026, 0, 1),
    });
    for (const e of chunk) {
      if (emitted++ >= count) return;
      yield e;
    }
  }
}

function* inventoryEvents(count: number) {
  for (let i = 0; i < count; i++) yield stockEvent(i);
}

try {
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.prefix });
  const producer = ns.kafka.producer({ idempotent: true });
  await producer.connect();
  let bytes = 0;
  const keys = new Set<string>();
  let messages: { key: string; value: Buffer }[] = [];
  const source = args.model === 'orders' ? orderEvents(args.count) : inventoryEvents(args.count);
  let produced = 0;
  for (const e of source) {
    const value = await serde.encode(sourceTopic, e.type, e.value as never);
    bytes += value.length;
    keys.add(e.key);
    messages.push({ key: e.key, value });
    if (messages.length >= args.batch) {
      await producer.send({ topic, messages, acks: -1 });
      produced += messages.length;
      messages = [];
      if (produced % 100_000 === 0) process.stderr.write(`\rproduced ${produced} of ${args.count}   `);
    }
  }
  if (messages.length > 0) await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
  process.stderr.write('\n');
  const expectedDocs = keys.size;
  console.log(
    `${args.count} ${args.model} events (${Math.round(bytes / args.count)} bytes each, Avro) for ${expectedDocs} documents on ${topic}`,
  );

  // Raw: a consumer group counting records from the beginning.
  const rawStart = performance.now();
  const consumer = ns.kafka.consumer({ groupId: `${ns.prefix}raw-reader`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= args.count) resolve();
      },
    });
  });
  const rawMs = performance.now() - rawStart;
  await consumer.disconnect();

  // The projection: a rebuild of the inventory read model from offset zero, to the end.
  const side = await readSideWiring(config, {
    prefix: ns.prefix,
    database: ns.prefix.replace(/\.$/, ''),
    redisPrefix: ns.prefix.replace(/\.$/, ':'),
    logger: pino({ level: 'error' }),
  });
  try {
    // The clock stops when every event is folded and committed (as the raw side's stops at the last record),
    // not when the rebuild has also left its group and tidied up.
    const start = performance.now();
    let foldedAt = 0;
    let peak = 0;
    // When the fold passed each tenth of the events: the rate per tenth shows whether it stays flat.
    const tenths: number[] = [];
    const definition: ProjectionDefinition = PROJECTIONS[args.model] as ProjectionDefinition;
    const result = await rebuildProjection(definition, side, {
      until: Date.UTC(2100, 0, 1),
      progressIntervalMs: 100,
      log: () => {},
      onProgress: (p) => {
        peak = Math.max(peak, p.eventsPerSecond);
        while (tenths.length < 10 && p.processed >= ((tenths.length + 1) * args.count) / 10) {
          tenths.push(performance.now());
        }
        if (foldedAt === 0 && p.processed >= args.count && p.lag === 0) foldedAt = performance.now();
        process.stderr.write(`\r${p.processed} events, ${p.eventsPerSecond} ev/s, lag ${p.lag}   `);
      },
    });
    const ms = (foldedAt || performance.now()) - start;
    process.stderr.write('\n');
    const docs = await side.db.collection(result.collection).countDocuments();
    if (result.processed < args.count || docs !== expectedDocs) {
      throw new Error(
        `the projection read ${result.processed} events into ${docs} documents; expected ${args.count} into ${expectedDocs}`,
      );
    }
    const perTenth = tenths.map((at, i) => rate(args.count / 10, at - (i === 0 ? start : (tenths[i - 1] ?? start))));
    console.log(`fold rate per tenth (events/s): ${perTenth.map((r) => r.toFixed(0)).join(' ')}`);
    if (perTenth.length === 10) {
      // The first tenth also pays the group join; the second is the first steady one.
      const steady = perTenth[1] ?? 1;
      console.log(`last tenth ÷ second tenth: ${((perTenth[9] ?? 0) / steady).toFixed(2)} (1.00 = flat)`);
    }
    const projected = rate(args.count, ms);
    const raw = rate(args.count, rawMs);
    console.log(`projection: peak ${peak} events/s while folding (after the group join)`);
    report(
      [
        [`projection: ${args.model} rebuild from zero`, projected, 'events/s'],
        ['raw: kafkajs consumer, same topic', raw, 'events/s'],
      ],
      projected / raw,
    );
  } finally {
    await side.db.dropDatabase().catch(() => {});
    const keys = await side.redis.keys(`${ns.prefix.replace(/\.$/, ':')}*`);
    // In slices: a rebuild of 170,000 orders leaves that many cache keys, too many for one call's arguments.
    for (let i = 0; i < keys.length; i += 10_000) await side.redis.del(...keys.slice(i, i + 10_000));
    await side.close();
  }
} finally {
  await ns.cleanup();
}
