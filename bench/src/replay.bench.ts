/**
 * `npm run bench:replay -- --events N`: events/s folded by a projection from offset zero (what an operator's
 * rebuild costs), next to a raw kafkajs consumer reading the same topic in the same run. Ends with
 * `ratio <projection events/s ÷ raw events/s>`.
 *
 * Method: N inventory events (stock movements over 40 SKUs, each carrying the levels after it, Avro-encoded with
 * the registry serde) are produced to a fresh inventory.events topic. The raw side is a kafkajs consumer group
 * counting records from the beginning until it has seen N (no decoding). The projection side is the real
 * inventory projection's rebuild (`rebuildProjection`, a point-in-time copy as of the far future so it stops at
 * the end): decode, version guard, one bulkWrite per batch into MongoDB, cache invalidation in Redis, offsets
 * committed after the writes. Both clocks start before the consumer joins its group.
 *
 * Why inventory: its documents stay few (one per SKU), so the figure measures the loop rather than the local
 * MongoDB's lookups. The stack's FerretDB (SQLite) scans a whole collection for every lookup by `_id`, so a model
 * with tens of thousands of documents (orders) slows down with its size there; see docs/performance.md.
 */
import { loadConfig } from '@streamshop/config';
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import { rebuildProjection } from '@streamshop/projection-runtime';
import { PROJECTIONS } from '@streamshop/projections/definitions';
import { readSideWiring } from '@streamshop/projections/wiring';
import { AvroSerde } from '@streamshop/schemas/serde';
import type { InventoryEventName, RecordTypes } from '@streamshop/schemas/types';
import { pino } from 'pino';
import { benchArgs, benchNamespace, rate, report } from './measure.ts';

const args = benchArgs(
  'bench:replay',
  'Events/s folded by a projection rebuild (inventory) against a raw kafkajs consumer of the same topic.',
  { count: 100_000, batch: 1_000 },
  'events',
);
const config = loadConfig();
const ns = await benchNamespace(config, 'replay');
const topic = ns.topic('inventory.events');
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

try {
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.prefix });
  const producer = ns.kafka.producer({ idempotent: true });
  await producer.connect();
  let bytes = 0;
  for (let i = 0; i < args.count; i += args.batch) {
    const messages = [];
    for (let j = i; j < Math.min(args.count, i + args.batch); j++) {
      const e = stockEvent(j);
      const value = await serde.encode('inventory.events', e.type, e.value as never);
      bytes += value.length;
      messages.push({ key: e.key, value });
    }
    await producer.send({ topic, messages, acks: -1 });
  }
  await producer.disconnect();
  console.log(`${args.count} inventory events (${Math.round(bytes / args.count)} bytes each, Avro) on ${topic}`);

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
    const result = await rebuildProjection(PROJECTIONS.inventory, side, {
      until: Date.UTC(2100, 0, 1),
      progressIntervalMs: 100,
      log: () => {},
      onProgress: (p) => {
        peak = Math.max(peak, p.eventsPerSecond);
        if (foldedAt === 0 && p.processed >= args.count && p.lag === 0) foldedAt = performance.now();
        process.stderr.write(`\r${p.processed} events, ${p.eventsPerSecond} ev/s, lag ${p.lag}   `);
      },
    });
    const ms = (foldedAt || performance.now()) - start;
    process.stderr.write('\n');
    const docs = await side.db.collection(result.collection).countDocuments();
    if (result.processed < args.count || docs !== SKUS) {
      throw new Error(
        `the projection read ${result.processed} events into ${docs} documents; expected ${args.count} into ${SKUS}`,
      );
    }
    const projected = rate(args.count, ms);
    const raw = rate(args.count, rawMs);
    console.log(`projection: peak ${peak} events/s while folding (after the group join)`);
    report(
      [
        ['projection: inventory rebuild from zero', projected, 'events/s'],
        ['raw: kafkajs consumer, same topic', raw, 'events/s'],
      ],
      projected / raw,
    );
  } finally {
    await side.db.dropDatabase().catch(() => {});
    const keys = await side.redis.keys(`${ns.prefix.replace(/\.$/, ':')}*`);
    if (keys.length > 0) await side.redis.del(...keys);
    await side.close();
  }
} finally {
  await ns.cleanup();
}
