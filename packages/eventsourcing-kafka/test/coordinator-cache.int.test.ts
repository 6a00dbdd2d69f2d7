/**
 * kafkajs asks the cluster for a transaction's coordinator and the group's coordinator before each step of every
 * transaction (a FindCoordinator round trip each); kafka-io caches those answers (COORDINATOR_CACHE_MS). Counted
 * with kafkajs' own request events against the real broker: back-to-back transactions with offsets make no
 * FindCoordinator request after the first few, and every one of them commits.
 */
import { createNamespace, type Namespace } from '@streamshop/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafka, createTransactionalProducer, retryConcurrentTransactions } from '../src/kafka-io.ts';

let ns: Namespace;
let topic: string;

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  [topic] = (await ns.createTopics([{ name: 'coordinated.events', numPartitions: 1 }])) as [string];
});

afterAll(async () => {
  await ns?.cleanup();
});

it('looks the coordinators up once, not before every step of every transaction', async () => {
  const kafka = createKafka(
    { brokers: ns.config.kafka.brokers, clientId: `${ns.id}-coord` },
    pino({ level: 'silent' }),
  );
  const producer = await createTransactionalProducer(kafka, `${ns.id}-coord-0`);
  const requests: string[] = [];
  producer.on(producer.events.REQUEST, ({ payload }) => requests.push(payload.apiName));
  const groupId = `${ns.id}-coord-group`;
  try {
    for (let i = 0; i < 20; i++) {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: [{ key: 'k', value: `${i}` }] });
      await retryConcurrentTransactions(() =>
        tx.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic, partitions: [{ partition: 0, offset: `${i + 1}` }] }],
        }),
      );
      await tx.commit();
    }
  } finally {
    await producer.disconnect();
  }
  const count = (api: string) => requests.filter((r) => r === api).length;
  expect(count('EndTxn')).toBe(20);
  // Without the cache: four per transaction (AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn), 80.
  expect(count('GroupCoordinator')).toBeLessThanOrEqual(2);
});
