/**
 * Poison events on the read side: a record that is not Avro and an event that cannot apply (an order confirmed
 * that was never placed) go to commerce.dlq, and the worker keeps folding what follows. The operator sees them in
 * `dlq list`, replays a corrected record, and it is applied once (a second replay is refused; a forced one is
 * skipped by the version guard).
 */
import { loadConfig } from '@streamshop/config';
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import { createProjectionWorker, type ProjectionWorker } from '@streamshop/projection-runtime';
import { topicName } from '@streamshop/schemas/topics';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeadLetterContext,
  DeadLetterError,
  listDeadLetters,
  replayDeadLetters,
} from '../src/operator/dead-letters.ts';
import { ordersProjection } from '../src/orders/orders.projection.ts';
import { sampleOrderEvents } from '../src/orders/orders.sample-stream.ts';
import type { ReadSide } from '../src/wiring.ts';
import { produceSample, readSide } from './read-side.fixture.ts';

const config = loadConfig();
let ns: Namespace;
let side: ReadSide;
let worker: ProjectionWorker;
let ctx: DeadLetterContext;

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  side = await readSide(ns, config);
  ctx = { kafka: side.kafka, serde: side.serde, db: side.db, dlqTopic: topicName('commerce.dlq', ns.topicPrefix) };
  worker = createProjectionWorker(ordersProjection, side, { controlPollMs: 200, consumer: { maxWaitTimeInMs: 100 } });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await side?.close();
  await ns?.cleanup();
});

describe('a poison event on the read side', () => {
  it('is dead-lettered, the worker moves on, and a corrected replay is applied once', async () => {
    const at = Date.UTC(2026, 10, 3);
    const [poisonPlaced] = sampleOrderEvents(deterministicId('poison', ns.id), 'customer-p', at, 1);
    const neverPlaced = deterministicId('never-placed', ns.id);
    const after = sampleOrderEvents(deterministicId('after', ns.id), 'customer-a', at, 2);
    const producer = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // A producer that forgot the registry: the right event as JSON instead of Avro.
    await producer.send({
      topic: ns.topic('orders.events'),
      messages: [{ key: poisonPlaced?.key as string, value: Buffer.from(JSON.stringify(poisonPlaced?.value)) }],
    });
    await producer.disconnect();
    await produceSample(ns, config, [
      {
        type: 'streamshop.orders.OrderConfirmed',
        key: neverPlaced,
        value: {
          eventId: neverPlaced,
          aggregateId: neverPlaced,
          aggregateVersion: 5,
          occurredAt: at,
          correlationId: neverPlaced,
          causationId: neverPlaced,
        },
      } as never,
      ...after,
    ]);

    // The worker moved on: the order after the poison is folded.
    await eventually(
      async () =>
        expect(await side.db.collection('orders__g1').findOne({ _id: after[0]?.key as never })).not.toBeNull(),
      {
        timeoutMs: 60_000,
        message: 'the worker stopped at the poison',
      },
    );
    const entries = await eventually(
      async () => {
        const list = await listDeadLetters({ ...ctx, source: ns.topic('orders.events') });
        expect(list).toHaveLength(2);
        return list;
      },
      { timeoutMs: 30_000 },
    );
    const notAvro = entries.find((e) => e.recordType === null);
    const impossible = entries.find((e) => e.recordType === 'streamshop.orders.OrderConfirmed');
    expect(notAvro?.deadLetter.error).toMatch(/Confluent-framed Avro/);
    expect(impossible?.deadLetter.error).toMatch(/never placed/);
    expect(notAvro?.deadLetter.consumerGroup).toBe(`${ns.topicPrefix.replace(/\.$/, '')}.projection.orders.g1`);
    expect(await side.db.collection('orders__g1').findOne({ _id: poisonPlaced?.key as never })).toBeNull();
    const status = await side.db.collection('projection_workers').findOne({ _id: 'orders' as never });
    expect(status?.lastError?.message).toBeTruthy();

    // The operator replays the corrected record (the same event, now in Avro): it is applied, once.
    const id = notAvro?.id as string;
    await replayDeadLetters(ctx, [id], { with: { type: poisonPlaced?.type as string, value: poisonPlaced?.value } });
    const placed = await eventually(
      async () => {
        const doc = await side.db.collection('orders__g1').findOne({ _id: poisonPlaced?.key as never });
        expect(doc?.status).toBe('placed');
        return doc;
      },
      { timeoutMs: 30_000, message: 'the replayed record was not applied' },
    );
    await expect(replayDeadLetters(ctx, [id])).rejects.toBeInstanceOf(DeadLetterError);
    await replayDeadLetters(ctx, [id], {
      with: { type: poisonPlaced?.type as string, value: poisonPlaced?.value },
      force: true,
    });
    const marker = deterministicId('marker', ns.id);
    await produceSample(ns, config, sampleOrderEvents(marker, 'customer-m', at, 4).slice(0, 1));
    await eventually(
      async () => expect(await side.db.collection('orders__g1').findOne({ _id: marker as never })).not.toBeNull(),
      {
        timeoutMs: 30_000,
      },
    );
    const again = await side.db.collection('orders__g1').findOne({ _id: poisonPlaced?.key as never });
    expect(again?.timeline).toEqual(placed?.timeline);
    expect(again?.version).toBe(1);
    expect((await listDeadLetters({ ...ctx, source: ns.topic('orders.events') })).map((e) => e.id)).toEqual([
      impossible?.id,
    ]);
  });
});
