/**
 * kafkajs' logs against the real broker: back-to-back transactions of one transactional id, as a command service
 * commits batch after batch, meet CONCURRENT_TRANSACTIONS (the coordinator is still writing the previous commit's
 * markers when the next transaction adds its partitions). kafkajs retries it and every transaction commits; our
 * logger must then show no error line, and the retried answers must be counted.
 */
import { createNamespace, type Namespace } from '@streamshop/testkit';
import { type Logger, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, createTransactionalProducer, retryConcurrentTransactions } from '../src/kafka-io.ts';
import { RetriedBrokerAnswers } from '../src/kafka-logs.ts';

const PARTITIONS = 48;
let ns: Namespace;
let topic: string;
const logged: { level: number; msg?: string; error?: string }[] = [];
const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => logged.push(JSON.parse(line)) });

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  // Many partitions per transaction: the coordinator writes a commit marker to each, so the window in which the
  // next transaction meets CONCURRENT_TRANSACTIONS is wide enough to be hit on a fast, idle machine too (with six
  // partitions an idle run once went 200 transactions without one).
  [topic] = (await ns.createTopics([{ name: 'burst.events', numPartitions: PARTITIONS }])) as [string];
});

afterAll(async () => {
  await ns?.cleanup();
});

describe('kafkajs logs through createKafka', () => {
  it('counts the CONCURRENT_TRANSACTIONS of back-to-back transactions and logs no error line', async () => {
    const retriedAnswers = new RetriedBrokerAnswers();
    const kafka = createKafka({ brokers: ns.config.kafka.brokers, clientId: `${ns.id}-burst`, retriedAnswers }, logger);
    const producer = await createTransactionalProducer(kafka, `${ns.id}-burst-0`);
    try {
      // Keep going until the coordinator has answered CONCURRENT_TRANSACTIONS (it does within a few transactions),
      // with a ceiling so that a broker that never does fails instead of spinning.
      const concurrent = () => new Map(retriedAnswers.entries()).get('CONCURRENT_TRANSACTIONS') ?? 0;
      for (let i = 0; i < 1_000 && concurrent() < 2; i++) {
        const tx = await producer.transaction();
        await tx.send({
          topic,
          messages: Array.from({ length: PARTITIONS }, (_, partition) => ({
            partition,
            key: `k${partition}`,
            value: `${i}`,
          })),
        });
        await tx.commit();
      }
      expect(logged.filter((l) => l.level >= 50).map((l) => `${l.msg} ${l.error ?? ''}`)).toEqual([]);
      expect(concurrent()).toBeGreaterThanOrEqual(2);
    } finally {
      await producer.disconnect();
    }
    // The retried answers are still there for whoever asks for debug.
    expect(
      logged.some((l) => l.level === 20 && /concurrent operation on the same transaction/.test(l.error ?? '')),
    ).toBe(true);
  });

  it('an offsets-only transaction right after a commit meets CONCURRENT_TRANSACTIONS too, and commits when retried', async () => {
    // What a service's batch that produced nothing (a reactor ignoring an event) does: its transaction's first
    // step is AddOffsetsToTxn, which kafkajs sends once and fails on that answer (it only retries sends).
    const kafka = createKafka({ brokers: ns.config.kafka.brokers, clientId: `${ns.id}-offsets` }, logger);
    const producer = await createTransactionalProducer(kafka, `${ns.id}-offsets-0`);
    let answered = 0;
    let committed = 0;
    try {
      for (let i = 0; i < 300 && answered < 2; i++) {
        const tx = await producer.transaction();
        await tx.send({
          topic,
          messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, key: 'k', value: `${i}` })),
        });
        await tx.commit();
        const offsetsOnly = await producer.transaction();
        await retryConcurrentTransactions(async () => {
          try {
            await offsetsOnly.sendOffsets({
              consumerGroupId: `${ns.id}-offsets-group`,
              topics: [{ topic, partitions: [{ partition: 0, offset: String(i + 1) }] }],
            });
          } catch (err) {
            if ((err as { type?: string }).type === 'CONCURRENT_TRANSACTIONS') answered++;
            throw err;
          }
        });
        await offsetsOnly.commit();
        committed++;
      }
    } finally {
      await producer.disconnect();
    }
    expect(answered, 'the broker never answered AddOffsetsToTxn with CONCURRENT_TRANSACTIONS').toBeGreaterThanOrEqual(
      2,
    );
    expect(committed).toBeGreaterThanOrEqual(1);
    const admin = ns.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: `${ns.id}-offsets-group`, topics: [topic] });
      expect(offsets?.partitions.find((p) => p.partition === 0)?.offset).toBe(String(committed));
    } finally {
      await admin.disconnect();
    }
  });
});
