/**
 * `streamshop events tail` as a user runs it: the real command in a child process against the real stack, its
 * stdout piped through jq. Events are produced the way the services produce them (Avro, Confluent wire format,
 * inside Kafka transactions) into this file's own namespace.
 */
import { randomUUID } from 'node:crypto';
import { createTransactionalProducer } from '@streamshop/eventsourcing-kafka';
import { AvroSerde, type RecordName } from '@streamshop/schemas';
import { createNamespace, eventually } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TailLine } from '../src/events.command.ts';
import { cli, cliProcess } from './cli-process.fixture.ts';

const ns = createNamespace(import.meta.url);
const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
const JQ = '/usr/bin/jq -c .';
const tailArgs = (...extra: string[]) => ['events', 'tail', 'orders.events', '--prefix', ns.topicPrefix, ...extra];
let topic: string;
let plain: Producer;
/** What was produced, in order: the committed records the tail must show. */
const produced: { key: string; type: string | null; partition: number; offset: string; version?: number }[] = [];

function event(type: 'OrderConfirmed' | 'OrderShipped', orderId: string, version: number) {
  const envelope = {
    eventId: randomUUID(),
    aggregateId: orderId,
    aggregateVersion: version,
    occurredAt: Date.parse('2025-06-01T12:00:00Z') + version,
    correlationId: `corr-${orderId}`,
    causationId: randomUUID(),
  };
  const value = type === 'OrderShipped' ? { ...envelope, carrier: 'DHL', trackingNumber: `T-${version}` } : envelope;
  return { type: `streamshop.orders.${type}` as RecordName, value };
}

async function inTransaction(records: ReturnType<typeof event>[], outcome: 'commit' | 'abort') {
  const producer = await createTransactionalProducer(ns.kafka, `${ns.id}-writer`);
  try {
    const tx = await producer.transaction();
    for (const r of records) {
      const value = await serde.encode('orders.events', r.type as never, r.value as never);
      const [meta] = await tx.send({ topic, messages: [{ key: r.value.aggregateId, value }] });
      if (outcome === 'commit') {
        produced.push({
          key: r.value.aggregateId,
          type: r.type,
          partition: meta!.partition,
          offset: meta!.baseOffset!,
          version: r.value.aggregateVersion,
        });
      }
    }
    await (outcome === 'commit' ? tx.commit() : tx.abort());
  } finally {
    await producer.disconnect();
  }
}

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as TailLine);

beforeAll(async () => {
  [topic] = (await ns.createTopics([{ name: 'orders.events', numPartitions: 3 }])) as [string];
  plain = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await plain.connect();
  await inTransaction([event('OrderConfirmed', 'order-1', 1), event('OrderShipped', 'order-1', 2)], 'commit');
  // Never committed: a read_committed tail must not show it.
  await inTransaction([event('OrderShipped', 'order-1', 99)], 'abort');
  const [poison] = await plain.send({ topic, messages: [{ key: 'order-1', value: Buffer.from('not avro at all') }] });
  produced.push({ key: 'order-1', type: null, partition: poison!.partition, offset: poison!.baseOffset! });
  await inTransaction([event('OrderShipped', 'order-2', 1)], 'commit');
});

afterAll(async () => {
  await plain?.disconnect();
  await ns.cleanup();
});

describe('streamshop events tail', () => {
  it('prints every committed record as one JSON line (through jq), decoded, and goes on past a poison record', async () => {
    const r = await cli(tailArgs('--from-beginning', '--exit-at-end'), { pipe: JQ });
    expect(r.code, r.stderr).toBe(0);
    const lines = parse(r.lines);
    expect(lines).toHaveLength(produced.length);
    const byCoordinates = (l: { partition: number; offset: string }) => `${l.partition}@${l.offset}`;
    expect(lines.map(byCoordinates).sort()).toEqual(produced.map(byCoordinates).sort());
    for (const p of produced) {
      const line = lines.find((l) => byCoordinates(l) === byCoordinates(p))!;
      expect(line).toMatchObject({ topic, key: p.key, type: p.type });
      expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
      if (p.type) expect(line.payload).toMatchObject({ aggregateId: p.key, aggregateVersion: p.version });
    }
    // Per key, in the order written; the aborted version 99 never shows.
    const order1 = lines.filter((l) => l.key === 'order-1');
    expect(order1.map((l) => l.type)).toEqual([
      'streamshop.orders.OrderConfirmed',
      'streamshop.orders.OrderShipped',
      null,
    ]);
    expect(order1[1]!.payload).toMatchObject({ carrier: 'DHL', trackingNumber: 'T-2' });
    expect(order1[2]).toMatchObject({
      payload: null,
      error: expect.stringMatching(/Not a Confluent-framed Avro record/),
      valueBase64: Buffer.from('not avro at all').toString('base64'),
    });
    expect(r.stderr).toMatch(/tailing .*orders\.events .*from the beginning/);
  });

  it('--type keeps one record type, by short or full name', async () => {
    const short = await cli(tailArgs('--from-beginning', '--exit-at-end', '--type', 'OrderShipped'), { pipe: JQ });
    expect(short.code, short.stderr).toBe(0);
    const lines = parse(short.lines);
    expect(lines.map((l) => [l.key, l.type])).toEqual(
      expect.arrayContaining([
        ['order-1', 'streamshop.orders.OrderShipped'],
        ['order-2', 'streamshop.orders.OrderShipped'],
      ]),
    );
    expect(lines).toHaveLength(2);
    const full = await cli(tailArgs('--from-beginning', '--exit-at-end', '--type', 'streamshop.orders.OrderConfirmed'));
    expect(parse(full.lines).map((l) => l.key)).toEqual(['order-1']);
    const wrong = await cli(tailArgs('--exit-at-end', '--type', 'StockReserved'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/unknown record StockReserved; choose from .*OrderPlaced/);
  });

  it('--partition reads one partition; --since starts at a time', async () => {
    const partition = produced.find((p) => p.key === 'order-2')!.partition;
    const one = await cli(tailArgs('--from-beginning', '--exit-at-end', '--partition', String(partition)));
    expect(one.code, one.stderr).toBe(0);
    const expected = produced.filter((p) => p.partition === partition);
    expect(parse(one.lines).map((l) => l.offset)).toEqual(expected.map((p) => p.offset));
    const recent = await cli(tailArgs('--since', '1h', '--exit-at-end'));
    expect(parse(recent.lines)).toHaveLength(produced.length);
    const future = await cli(tailArgs('--since', new Date(Date.now() + 3_600_000).toISOString(), '--exit-at-end'));
    expect(future.code, future.stderr).toBe(0);
    expect(future.lines).toEqual([]);
  });

  it('by default starts at the end and follows new records until Ctrl-C', async () => {
    const tail = cliProcess(tailArgs());
    try {
      await eventually(() => /tailing .* from the end/.test(tail.stderr()), { message: 'the tail started' });
      const fresh = event('OrderConfirmed', `order-${randomUUID()}`, 1);
      await inTransaction([fresh], 'commit');
      await eventually(() => tail.lines().length > 0, { timeoutMs: 30_000, message: 'the new record is printed' });
      const [line] = parse(tail.lines());
      expect(line).toMatchObject({ key: fresh.value.aggregateId, type: 'streamshop.orders.OrderConfirmed' });
    } finally {
      const r = await tail.stop('SIGINT');
      expect(r.code, r.stderr).toBe(0);
    }
    expect(tail.lines()).toHaveLength(1); // nothing from before it started
  });

  it('stops quietly when its reader goes away (| head -1)', async () => {
    const run = cli(tailArgs('--from-beginning'), { pipe: 'head -1' });
    let exited = false;
    void run.then(() => {
      exited = true;
    });
    // head exits after one line; the next record the tail writes hits the closed pipe (EPIPE) and ends it.
    await eventually(
      async () => {
        if (!exited) await inTransaction([event('OrderConfirmed', `order-${randomUUID()}`, 1)], 'commit');
        return exited;
      },
      { timeoutMs: 60_000, message: 'the tail exited after its reader went away' },
    );
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(JSON.parse(r.lines[0]!)).toMatchObject({ topic, offset: expect.any(String) });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('refuses an unknown topic naming the valid ones, and a missing one naming the fix; leaves no consumer group', async () => {
    const unknown = await cli(['events', 'tail', 'orders']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown topic orders; the catalog has .*orders\.events/);
    expect(unknown.stdout).toBe('');
    const missing = await cli(['events', 'tail', 'payments.events', '--prefix', ns.topicPrefix]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist.*streamshop topics ensure --prefix/);
    const admin = await ns.admin();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    expect(groups.filter((g) => g.startsWith('streamshop-events-tail-'))).toEqual([]);
  });
});
