/**
 * `streamshop seed` against the real catalog and inventory services in a namespace: the demo catalog becomes
 * ProductCreated and StockReceived events, and seeding again adds no event at all.
 */
import { startCatalogService } from '@streamshop/catalog-service/main';
import { DEMO_CATALOG, demoImageUrl, demoProductId } from '@streamshop/catalog-service/seed';
import { allOf } from '@streamshop/command-service';
import { type Runnable, topicOffsets } from '@streamshop/eventsourcing-kafka';
import { startInventoryService } from '@streamshop/inventory-service/main';
import { AvroSerde, ensureTopics, type TopicName, topicName } from '@streamshop/schemas';
import { createNamespace, fastConsumer, testLogger } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSeed, seed } from '../src/seed.command.ts';

const ns = createNamespace(import.meta.url);
const logger = testLogger();
const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
let services: Runnable;

interface Decoded {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads fields of several record types.
  value: Record<string, any>;
}

/**
 * Every committed record of a topic, up to its end offsets at call time. Progress counts transaction markers (a
 * commit marker is often a partition's last offset), which END_BATCH_PROCESS reports even for filtered batches.
 */
async function readToEnd(topic: TopicName): Promise<Decoded[]> {
  const physical = topicName(topic, ns.topicPrefix);
  const admin = await ns.admin();
  const ends = new Map(
    (await topicOffsets(admin, physical)).filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]),
  );
  const records: Decoded[] = [];
  if (ends.size === 0) return records;
  const consumer = ns.kafka.consumer({
    groupId: `${ns.id}-read-${Date.now()}`,
    readUncommitted: false,
    ...fastConsumer,
  });
  const done = new Promise<void>((resolve) => {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = ends.get(payload.partition);
      if (end !== undefined && BigInt(payload.lastOffset) >= end - 1n) ends.delete(payload.partition);
      if (ends.size === 0) resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topic: physical, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push((await serde.decode(message.value!)) as unknown as Decoded);
    },
  });
  await done;
  await consumer.disconnect();
  return records;
}

const ofType = (records: Decoded[], type: string) => records.filter((r) => r.type === type);

beforeAll(async () => {
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  const options = { prefix: ns.topicPrefix, logger, consumer: fastConsumer, fencedBackoffMs: 2_000 };
  services = allOf([startCatalogService(ns.config, options), startInventoryService(ns.config, options)]);
  await services.start();
});

afterAll(async () => {
  await services?.stop();
  await ns.cleanup();
});

describe('streamshop seed', () => {
  const stocked = DEMO_CATALOG.filter((p) => p.stock > 0);

  it('creates every demo product with its image and receives its initial stock', async () => {
    const report = await seed(ns.config, { prefix: ns.topicPrefix, logger });
    expect(report).toMatchObject({
      products: DEMO_CATALOG.length,
      created: DEMO_CATALOG.length,
      alreadyExisted: 0,
      stocked: stocked.length,
      withoutStock: DEMO_CATALOG.length - stocked.length,
    });
    expect(describeSeed(report)).toContain(`${DEMO_CATALOG.length} created`);

    const created = ofType(await readToEnd('catalog.events'), 'streamshop.catalog.ProductCreated');
    expect(created.length).toBeGreaterThanOrEqual(40);
    expect(new Set(created.map((e) => e.value.category)).size).toBeGreaterThanOrEqual(5);
    const bySku = new Map(created.map((e) => [e.value.sku as string, e.value]));
    for (const p of DEMO_CATALOG) {
      expect(bySku.get(p.sku), p.sku).toMatchObject({
        aggregateId: demoProductId(p.sku),
        name: p.name,
        price: p.price,
        imageUrl: demoImageUrl(p.sku),
      });
    }

    const received = ofType(await readToEnd('inventory.events'), 'streamshop.inventory.StockReceived');
    expect(received.map((e) => [e.value.aggregateId, e.value.quantity]).sort()).toEqual(
      stocked.map((p) => [p.sku, p.stock]).sort(),
    );
  });

  it('a second run creates nothing new: no product, no stock', async () => {
    const report = await seed(ns.config, { prefix: ns.topicPrefix, logger });
    expect(report).toMatchObject({ created: 0, alreadyExisted: DEMO_CATALOG.length, stocked: stocked.length });

    // Every reply of the run has arrived, and each accepted command's events commit in the reply's transaction,
    // so the topics hold everything this run could have added.
    expect(ofType(await readToEnd('catalog.events'), 'streamshop.catalog.ProductCreated')).toHaveLength(
      DEMO_CATALOG.length,
    );
    expect(ofType(await readToEnd('inventory.events'), 'streamshop.inventory.StockReceived')).toHaveLength(
      stocked.length,
    );
  });
});
