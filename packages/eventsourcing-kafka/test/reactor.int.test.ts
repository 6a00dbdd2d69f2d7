import { createNamespace, type Namespace } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeadLetter } from '../src/dead-letter.ts';
import { deterministicId } from '../src/envelope.ts';
import { topicOffsets } from '../src/kafka-io.ts';
import { createReactor, type Reactor } from '../src/reactor.ts';
import { collect, eventually, fastConsumer, testLogger } from './counter.fixture.ts';
import { jsonTestSerde } from './json-test-serde.ts';

let ns: Namespace;
let producer: Producer;
let reactor: Reactor;
let out: Awaited<ReturnType<typeof collect>>;
let topics: { input: string; output: string; dlq: string };

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  const [input, output, dlq] = await ns.createTopics([
    { name: 'inventory.events', numPartitions: 2 },
    { name: 'orders.commands', numPartitions: 2 },
    { name: 'commerce.dlq' },
  ]);
  topics = { input: input!, output: output!, dlq: dlq! };
  producer = ns.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  out = await collect(ns.kafka, `${ns.id}-observer`, [topics.output, topics.dlq]);
  reactor = createReactor({
    kafka: ns.kafka,
    service: `${ns.id}-saga`,
    topics: [topics.input],
    serde: jsonTestSerde,
    dlqTopic: topics.dlq,
    logger: testLogger,
    consumer: fastConsumer,
    // Pure mapping: StockReserved → MarkStockReserved on the order, re-keyed by order id; everything else ignored.
    react: ({ type, value }) => {
      if (type !== 'test.inventory.StockReserved') return [];
      const v = value as { eventId: string; orderId: string };
      return [
        {
          topic: topics.output,
          key: v.orderId,
          type: 'test.orders.MarkStockReserved',
          value: { commandId: deterministicId('MarkStockReserved', v.eventId), aggregateId: v.orderId },
        },
      ];
    },
  });
  await reactor.start();
});

afterAll(async () => {
  await reactor?.stop();
  await out?.stop();
  await producer?.disconnect();
  await ns?.cleanup();
});

describe('reactor', () => {
  it('maps input events to commands re-keyed by the target aggregate, DLQs garbage, and commits its offsets', async () => {
    const event = (eventId: string, orderId: string, type = 'test.inventory.StockReserved') =>
      jsonTestSerde.encodeSync(type, { eventId, orderId });
    await producer.send({
      topic: topics.input,
      messages: [
        { key: 'sku-1', value: event('e-1', 'order-1') },
        { key: 'sku-2', value: event('e-2', 'order-2', 'test.inventory.StockReceived') },
        { key: 'sku-1', value: Buffer.from('garbage') },
        { key: 'sku-2', value: event('e-3', 'order-3') },
      ],
    });
    await eventually(() => {
      expect(
        out
          .of(topics.output)
          .map((r) => r.key)
          .sort(),
      ).toEqual(['order-1', 'order-3']);
      expect(out.of(topics.dlq)).toHaveLength(1);
    });
    expect(out.of(topics.output).find((r) => r.key === 'order-1')!.value).toEqual({
      commandId: deterministicId('MarkStockReserved', 'e-1'),
      aggregateId: 'order-1',
    });
    const dead = out.of(topics.dlq)[0]!;
    expect(dead.key).toBe('sku-1');
    expect(dead.headers).toMatchObject({ 'dlq.source.topic': topics.input, 'dlq.group': `${ns.id}-saga` });
    const { deadLetter } = await readDeadLetter(jsonTestSerde, { value: dead.raw, headers: dead.headers });
    expect(deadLetter).toMatchObject({
      sourceTopic: topics.input,
      key: Buffer.from('sku-1'),
      value: Buffer.from('garbage'),
      consumerGroup: `${ns.id}-saga`,
    });
    expect(deadLetter.error).toMatch(/not a JSON test record/);
    const admin = await ns.admin();
    const end = await topicOffsets(admin, topics.input);
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: `${ns.id}-saga`, topics: [topics.input] });
      for (const p of end.filter((x) => Number(x.offset) > 0)) {
        expect(committed!.partitions.find((x) => x.partition === p.partition)!.offset).toBe(p.offset);
      }
    });
  });
});
