/**
 * What the read side's integration tests share: the namespace's topics, the read side wired to the namespace
 * (topic prefix, database, Redis prefix), a producer of sample order streams in Avro, and reading a generation's
 * documents as queries see them.
 */
import type { Config } from '@streamshop/config';
import { type FoldDeps, generationCollection, publicFields } from '@streamshop/projection-runtime';
import { AvroSerde, ensureTopics } from '@streamshop/schemas';
import { fastConsumer, type Namespace, testLogger } from '@streamshop/testkit';
import { Partitioners } from 'kafkajs';
import type { SampleEvent } from '../src/orders/orders.sample-stream.ts';
import { type ReadSide, readSideWiring } from '../src/wiring.ts';

export const logger = testLogger();

export { fastConsumer };

export async function readSide(ns: Namespace, config: Config): Promise<ReadSide> {
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  return readSideWiring(config, {
    prefix: ns.topicPrefix,
    database: ns.database,
    redisPrefix: ns.redisPrefix,
    logger,
    consumer: fastConsumer,
  });
}

/** Environment for a child process running the read side in this namespace. */
export function childEnv(ns: Namespace): NodeJS.ProcessEnv {
  return { ...process.env, NS_PREFIX: ns.topicPrefix, NS_DATABASE: ns.database, NS_REDIS_PREFIX: ns.redisPrefix };
}

/** Produces sample events to `<ns>.orders.events`, keyed by order id, in their order. */
export async function produceSample(ns: Namespace, config: Config, events: SampleEvent[]): Promise<void> {
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.topicPrefix });
  const producer = ns.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 1_000) {
      const chunk = events.slice(i, i + 1_000);
      const messages = await Promise.all(
        chunk.map(async (e) => ({ key: e.key, value: await serde.encode('orders.events', e.type, e.value) })),
      );
      await producer.send({ topic: ns.topic('orders.events'), messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A generation's documents as queries see them (no internal fields), sorted by id. */
export async function documents(deps: Pick<FoldDeps, 'db'>, collection: string, generation: number) {
  const docs = await deps.db
    .collection(generationCollection(collection, generation))
    .find({}, { sort: { _id: 1 } })
    .toArray();
  return docs.map((d) => publicFields(d));
}
