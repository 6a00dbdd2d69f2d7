/**
 * `streamshop projections dlq …` as an operator runs it, against the real stack in this file's namespace: a poison
 * record dead-lettered by the real reactor (Avro serde), and dead letters written with `deadLetterRecord` the way
 * a projection writes them, listed, replayed (as they were, and corrected) exactly once, and dropped.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { avroRuntimeSerde } from '@streamshop/command-service';
import { createReactor, deadLetterRecord, type Reactor } from '@streamshop/eventsourcing-kafka';
import { listDeadLetters } from '@streamshop/projections/operator/dead-letters';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TailLine } from '../src/events.command.ts';
import { program } from '../src/program.ts';
import { cli } from './cli-process.fixture.ts';

const ns = createNamespace(import.meta.url);
const avro = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
const serde = avroRuntimeSerde(avro);
const env = { MONGODB_DATABASE: ns.database, STREAMSHOP_LOG_LEVEL: 'warn' };
// The real `streamshop` once program.ts mounts dlq under `projections`; until then an entry with the same path.
const mounted = program()
  .commands.find((c) => c.name() === 'projections')
  ?.commands.some((c) => c.name() === 'dlq');
const entry = mounted
  ? undefined
  : ['--import', 'tsx', fileURLToPath(new URL('./dlq-cli.fixture.ts', import.meta.url))];
const dlq = (...args: string[]) =>
  cli(['projections', 'dlq', ...args, '--prefix', ns.topicPrefix], { env, ...(entry ? { entry } : {}) });
const tail = async (topic: string) => {
  const r = await cli(['events', 'tail', topic, '--from-beginning', '--exit-at-end', '--prefix', ns.topicPrefix], {
    pipe: '/usr/bin/jq -c .',
  });
  expect(r.code, r.stderr).toBe(0);
  return r.lines.map((l) => JSON.parse(l) as TailLine);
};

interface ListedJson {
  id: string;
  consumerGroup: string;
  source: { topic: string; partition: number; offset: number };
  recordType: string | null;
  error: string;
  key: string | null;
  copies: number;
  resolution: null | { action: string; reason: string; by?: string; replayedTo?: { topic: string } };
}
const listJson = async (...args: string[]) => {
  const r = await dlq('list', '--json', ...args);
  expect(r.code, r.stderr).toBe(0);
  return r.lines.map((l) => JSON.parse(l) as ListedJson);
};

let topics: { inventory: string; orders: string; dlq: string };
let producer: Producer;
let reactor: Reactor;
const ids = { poison: '', confirmed: '', other: '' };
const projectionGroup = `${ns.id}.projection.orders`;

function orderConfirmed(orderId: string) {
  return {
    eventId: randomUUID(),
    aggregateId: orderId,
    aggregateVersion: 4,
    occurredAt: Date.parse('2025-06-01T12:00:00Z'),
    correlationId: `corr-${orderId}`,
    causationId: randomUUID(),
  };
}

beforeAll(async () => {
  const [inventory, orders, dlqTopic] = await ns.createTopics([
    { name: 'inventory.events', numPartitions: 2 },
    { name: 'orders.events', numPartitions: 2 },
    { name: 'commerce.dlq', numPartitions: 3 },
  ]);
  topics = { inventory: inventory!, orders: orders!, dlq: dlqTopic! };
  producer = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();

  // 1. The real reactor, with the Avro serde, dead-letters a record it cannot decode.
  reactor = createReactor({
    kafka: ns.kafka,
    service: `${ns.id}.saga`,
    topics: [topics.inventory],
    serde,
    dlqTopic: topics.dlq,
    logger: pino({ level: 'silent' }),
    consumer: { sessionTimeout: 6_000, rebalanceTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 },
    react: () => [],
  });
  await reactor.start();
  await producer.send({ topic: topics.inventory, messages: [{ key: 'sku-1', value: Buffer.from('poison') }] });

  // 2. What a projection writes when it gives up on an event, written twice (as after a crash before its commit).
  const source = (offset: string, orderId: string) => ({
    topic: topics.orders,
    partition: 1,
    offset,
    key: Buffer.from(orderId),
    headers: { traceparent: '00-trace-01' },
  });
  const confirmed = await avro.encode('orders.events', 'streamshop.orders.OrderConfirmed', orderConfirmed('order-7'));
  const failure = new Error('orders projection: no such order order-7');
  for (let i = 0; i < 2; i++) {
    const { topic, message } = await deadLetterRecord(
      serde,
      topics.dlq,
      { ...source('5', 'order-7'), value: confirmed },
      failure,
      projectionGroup,
    );
    await producer.send({ topic, messages: [message] });
  }
  const other = await avro.encode('orders.events', 'streamshop.orders.OrderConfirmed', orderConfirmed('order-8'));
  const { topic, message } = await deadLetterRecord(
    serde,
    topics.dlq,
    { ...source('6', 'order-8'), value: other },
    'boom',
    projectionGroup,
  );
  await producer.send({ topic, messages: [message] });

  const ctx = { kafka: ns.kafka, serde, db: (await ns.mongo()).db, dlqTopic: topics.dlq };
  await eventually(async () => (await listDeadLetters(ctx)).length === 3, {
    timeoutMs: 60_000,
    message: 'the reactor dead-lettered the poison record',
  });
  for (const e of await listDeadLetters(ctx)) {
    if (e.deadLetter.sourceTopic === topics.inventory) ids.poison = e.id;
    else if (e.deadLetter.key?.toString() === 'order-7') ids.confirmed = e.id;
    else ids.other = e.id;
  }
});

afterAll(async () => {
  await reactor?.stop();
  await producer?.disconnect();
  await ns.cleanup();
});

describe('streamshop projections dlq', () => {
  it('list --json: one line per dead letter (deduplicated), with source, group, record type and error', async () => {
    const listed = await listJson();
    expect(listed.map((e) => e.id).sort()).toEqual([ids.poison, ids.confirmed, ids.other].sort());
    const poison = listed.find((e) => e.id === ids.poison)!;
    expect(poison).toMatchObject({
      consumerGroup: `${ns.id}.saga`,
      source: { topic: topics.inventory, offset: 0 },
      recordType: null,
      key: 'sku-1',
      copies: 1,
      resolution: null,
    });
    expect(poison.error).toMatch(/Not a Confluent-framed Avro record/);
    expect(listed.find((e) => e.id === ids.confirmed)).toMatchObject({
      consumerGroup: projectionGroup,
      source: { topic: topics.orders, partition: 1, offset: 5 },
      recordType: 'streamshop.orders.OrderConfirmed',
      error: 'Error: orders projection: no such order order-7',
      copies: 2,
    });
    expect((await listJson('--source', 'inventory.events')).map((e) => e.id)).toEqual([ids.poison]);
    expect((await listJson('--group', projectionGroup)).map((e) => e.id).sort()).toEqual(
      [ids.confirmed, ids.other].sort(),
    );
    // The DLQ itself is Avro: the tail decodes the DeadLetter and the record inside it.
    const lines = await tail('commerce.dlq');
    expect(lines.filter((l) => l.dlqId === ids.confirmed)).toHaveLength(2);
    expect(lines.find((l) => l.dlqId === ids.confirmed)).toMatchObject({
      type: 'streamshop.commerce.DeadLetter',
      key: 'order-7',
      inner: { type: 'streamshop.orders.OrderConfirmed', payload: { aggregateId: 'order-7' } },
    });
  });

  it('list prints a table naming each id, its source and type', async () => {
    const r = await dlq('list');
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatch(/^ID\s+FAILED AT\s+GROUP\s+SOURCE\s+TYPE\s+ERROR$/);
    const row = r.lines.find((l) => l.startsWith(ids.confirmed))!;
    expect(row).toContain(`${topics.orders}/1@5`);
    expect(row).toContain('OrderConfirmed');
    expect(r.stderr).toMatch(/3 unresolved dead letter\(s\)/);
  });

  it('replay puts the original record back on its source topic once; a second replay is refused', async () => {
    const r = await dlq('replay', ids.confirmed);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`replayed\\s+${ids.confirmed} → ${topics.orders}/\\d+@\\d+`));
    const again = await dlq('replay', ids.confirmed);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`${ids.confirmed} was already replayed to .* Pass --force`));

    const replayed = (await tail('orders.events')).filter((l) => l.headers?.['dlq.replayed-from'] === ids.confirmed);
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).toMatchObject({
      key: 'order-7',
      type: 'streamshop.orders.OrderConfirmed',
      payload: { aggregateId: 'order-7', aggregateVersion: 4 },
      headers: { traceparent: '00-trace-01' },
    });
    expect((await listJson()).map((e) => e.id)).not.toContain(ids.confirmed);
    const all = await listJson('--all');
    expect(all.find((e) => e.id === ids.confirmed)!.resolution).toMatchObject({
      action: 'replayed',
      replayedTo: { topic: topics.orders },
    });
  });

  it('replay --with --type publishes a corrected value, checked against its schema first', async () => {
    const dir = tmpdir();
    const bad = join(dir, `${ns.id}-bad.json`);
    writeFileSync(bad, JSON.stringify({ aggregateId: 'sku-1', quantity: 'three' }));
    const refused = await dlq('replay', ids.poison, '--with', bad, '--type', 'StockReceived');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not a valid streamshop.inventory.StockReceived/);
    expect(refused.stderr).toMatch(/quantity: expected int, got "three"/);
    expect(refused.stderr).toMatch(/eventId: expected string, got nothing/);

    const fixed = join(dir, `${ns.id}-fixed.json`);
    const value = {
      eventId: randomUUID(),
      aggregateId: 'sku-1',
      aggregateVersion: 1,
      occurredAt: Date.parse('2025-06-01T12:00:00Z'),
      correlationId: 'corr-fix',
      causationId: randomUUID(),
      quantity: 3,
      reference: null,
      levels: { onHand: 3, reserved: 0, available: 3 },
    };
    writeFileSync(fixed, JSON.stringify(value));
    const r = await dlq('replay', ids.poison, '--with', fixed, '--type', 'StockReceived');
    expect(r.code, r.stderr).toBe(0);
    const replayed = (await tail('inventory.events')).filter((l) => l.headers?.['dlq.replayed-from'] === ids.poison);
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).toMatchObject({ key: 'sku-1', type: 'streamshop.inventory.StockReceived', payload: value });
  });

  it('drop needs a reason, hides the dead letter, and list --all shows it with the reason', async () => {
    const noReason = await dlq('drop', ids.other);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toMatch(/--reason/);
    const r = await dlq('drop', ids.other, '--reason', 'order-8 was deleted on purpose');
    expect(r.code, r.stderr).toBe(0);
    expect(await listJson()).toEqual([]);
    const dropped = (await listJson('--all')).find((e) => e.id === ids.other)!;
    expect(dropped.resolution).toMatchObject({ action: 'dropped', reason: 'order-8 was deleted on purpose' });
    const table = await dlq('list', '--all');
    expect(table.lines.find((l) => l.startsWith(ids.other))).toMatch(
      /dropped at .* \(order-8 was deleted on purpose\)$/,
    );
    const replay = await dlq('replay', ids.other);
    expect(replay.stderr).toMatch(/already dropped/);
    expect((await dlq('replay', ids.other, '--force')).code).toBe(0);
  });

  it('names `dlq list` when an id is unknown, and leaves no consumer group behind', async () => {
    const r = await dlq('drop', 'feedfacefeedface', '--reason', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no dead letter with id feedfacefeedface .*dlq list --all/);
    const groups = (await (await ns.admin()).listGroups()).groups.map((g) => g.groupId);
    expect(groups.filter((g) => g.startsWith('streamshop-dlq-reader-'))).toEqual([]);
  });
});
