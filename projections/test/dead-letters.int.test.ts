/**
 * The dead-letter library against the real Kafka, registry (Avro DeadLetter records) and MongoDB-protocol server:
 * what the CLI tests do not reach — two operators replaying the same dead letter at once, DLQ records written
 * before the DeadLetter format, and records in the DLQ that are no dead letter at all.
 */
import { avroRuntimeSerde } from '@streamshop/command-service';
import { deadLetterRecord, readPartitionRange, topicOffsets } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeadLetterContext,
  DeadLetterError,
  dropDeadLetters,
  listDeadLetters,
  replayDeadLetters,
} from '../src/operator/dead-letters.ts';

const ns = createNamespace(import.meta.url);
const serde = avroRuntimeSerde(new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix }));
let ctx: DeadLetterContext;
let producer: Producer;
let topics: { commands: string; dlq: string };

async function deadLetter(offset: string, key: string, error = 'Error: nope') {
  const { topic, message } = await deadLetterRecord(
    serde,
    topics.dlq,
    { topic: topics.commands, partition: 0, offset, key: Buffer.from(key), value: Buffer.from(`raw-${key}`) },
    error,
    `${ns.id}.order`,
  );
  await producer.send({ topic, messages: [message] });
}

/** Records on the commands topic that carry `dlq.replayed-from: id`. */
async function replaysOf(id: string): Promise<string[]> {
  const admin = await ns.admin();
  const [p] = await topicOffsets(admin, topics.commands);
  const found: string[] = [];
  await readPartitionRange(
    ns.kafka,
    { topic: topics.commands, partition: 0, from: BigInt(p!.low), to: BigInt(p!.high) },
    (m) => {
      if (m.headers?.['dlq.replayed-from']?.toString() === id) found.push(m.value!.toString());
    },
  );
  return found;
}

beforeAll(async () => {
  const [commands, dlq] = await ns.createTopics([
    { name: 'orders.commands' },
    { name: 'commerce.dlq', numPartitions: 3 },
  ]);
  topics = { commands: commands!, dlq: dlq! };
  producer = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  ctx = { kafka: ns.kafka, serde, db: (await ns.mongo()).db, dlqTopic: topics.dlq, by: 'tester' };
});

afterAll(async () => {
  await producer?.disconnect();
  await ns.cleanup();
});

describe('dead letters', () => {
  it('two replays of the same dead letter at once: one publishes, the other is refused', async () => {
    await deadLetter('1', 'order-1');
    const [entry] = await listDeadLetters({ ...ctx, source: topics.commands });
    const outcomes = await Promise.allSettled([
      replayDeadLetters(ctx, [entry!.id]),
      replayDeadLetters(ctx, [entry!.id]),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(DeadLetterError);
    expect(refused.reason.message).toMatch(/already replayed|resolved meanwhile/);
    expect(await replaysOf(entry!.id)).toEqual(['raw-order-1']);
    const [listed] = await listDeadLetters({ ...ctx, all: true });
    expect(listed!.resolution).toMatchObject({ action: 'replayed', by: 'tester', reason: 'replayed as it was' });
  });

  it('reads DLQ records written before the DeadLetter format, and skips what is no dead letter', async () => {
    await producer.send({
      topic: topics.dlq,
      messages: [
        {
          key: 'order-old',
          value: Buffer.from('raw-old'),
          headers: {
            'dlq.source.topic': topics.commands,
            'dlq.source.partition': '0',
            'dlq.source.offset': '0',
            'dlq.error': 'SerdeError: old',
            'dlq.service': `${ns.id}.order`,
          },
        },
        { key: 'junk', value: Buffer.from('not a dead letter') },
      ],
    });
    const unreadable: string[] = [];
    const entries = await listDeadLetters({ ...ctx, onUnreadable: (u) => unreadable.push(u.error) });
    const old = entries.find((e) => e.deadLetter.sourceOffset === 0)!;
    expect(old.deadLetter).toMatchObject({ consumerGroup: `${ns.id}.order`, error: 'SerdeError: old' });
    expect(old.deadLetter.key).toEqual(Buffer.from('order-old'));
    expect(old.deadLetter.value).toEqual(Buffer.from('raw-old'));
    expect(unreadable).toEqual([expect.stringMatching(/not a dead letter/)]);
    await dropDeadLetters(ctx, [old.id], 'from before the DeadLetter format');
    expect((await listDeadLetters(ctx)).map((e) => e.id)).not.toContain(old.id);
  });

  it('refuses unknown ids and an empty reason before changing anything', async () => {
    await deadLetter('2', 'order-2');
    const [entry] = await listDeadLetters(ctx);
    await expect(dropDeadLetters(ctx, [entry!.id], '  ')).rejects.toThrow(/needs a reason/);
    await expect(replayDeadLetters(ctx, [entry!.id, '0000000000000000'])).rejects.toThrow(
      /no dead letter with id 0000000000000000 .*dlq list --all/,
    );
    expect(await replaysOf(entry!.id)).toEqual([]);
    expect((await listDeadLetters(ctx)).map((e) => e.id)).toContain(entry!.id);
  });
});
