import { createNamespace, type Namespace } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandProcessor, RebuildInfo } from '../src/command-processor.ts';
import { DEAD_LETTER_RECORD, readDeadLetter } from '../src/dead-letter.ts';
import { eventIdFor } from '../src/envelope.ts';
import { topicOffsets } from '../src/kafka-io.ts';
import {
  type Collected,
  collect,
  counterProcessor,
  counterTopics,
  depositCommand,
  eventually,
  sendCommands,
  type Topics,
} from './counter.fixture.ts';
import { jsonTestSerde } from './json-test-serde.ts';

let ns: Namespace;
let topics: Topics;
let producer: Producer;
let processor: CommandProcessor | undefined;
let out: Awaited<ReturnType<typeof collect>>;

const eventsOf = (account: string) => out.of(topics.events).filter((e) => e.key === account);
const versions = (records: Collected[]) => records.map((r) => r.value.aggregateVersion);

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  topics = await counterTopics(ns);
  producer = ns.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  out = await collect(ns.kafka, `${ns.id}-observer`, [topics.events, topics.replies, topics.dlq, topics.snapshots]);
  processor = counterProcessor(ns.kafka, ns, topics);
  await processor.start();
});

afterAll(async () => {
  await processor?.stop();
  await out?.stop();
  await producer?.disconnect();
  await ns?.cleanup();
});

describe('command processor', () => {
  it('turns commands into stamped events and replies, versions 1..n without gaps, co-partitioned', async () => {
    const cmds = [1, 2, 3, 4, 5].map((n) => depositCommand('acc-a', n));
    await sendCommands(producer, topics.commands, cmds);
    await eventually(() => expect(eventsOf('acc-a')).toHaveLength(5), { timeoutMs: 60_000 });
    const events = eventsOf('acc-a');
    expect(versions(events)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.type)).toEqual(Array(5).fill('test.counter.Deposited'));
    for (const [i, e] of events.entries()) {
      const cmd = cmds[i]!;
      expect(e.value).toEqual({
        eventId: eventIdFor(cmd.commandId, 0),
        aggregateId: 'acc-a',
        aggregateVersion: i + 1,
        occurredAt: cmd.issuedAt,
        correlationId: cmd.correlationId,
        causationId: cmd.commandId,
        // Nobody signed in issued these commands: the runtime stamps the command's (absent) actor as null.
        actorId: null,
        amount: cmd.amount,
      });
    }
    // Same partition number as the command (the commands topic uses the same default partitioner).
    const meta = await producer.send({
      topic: topics.commands,
      messages: [{ key: 'acc-a', value: jsonTestSerde.encodeSync('test.counter.Deposit', depositCommand('acc-a', 6)) }],
    });
    await eventually(() => expect(eventsOf('acc-a')).toHaveLength(6));
    expect(new Set(eventsOf('acc-a').map((e) => e.partition))).toEqual(new Set([meta[0]!.partition]));

    await eventually(() =>
      expect(out.replies(topics.replies).filter((r) => r.aggregateId === 'acc-a')).toHaveLength(6),
    );
    const replies = out.replies(topics.replies).filter((r) => r.aggregateId === 'acc-a');
    expect(replies[4]).toEqual({
      commandId: cmds[4]!.commandId,
      correlationId: cmds[4]!.correlationId,
      aggregateId: 'acc-a',
      outcome: 'accepted',
      aggregateVersion: 5,
      rejectionCode: null,
      rejectionDetail: null,
      eventIds: [eventIdFor(cmds[4]!.commandId, 0)],
    });
    expect(out.of(topics.replies).find((r) => r.value.commandId === cmds[0]!.commandId)?.key).toBe(
      cmds[0]!.correlationId,
    );
  });

  it('commits transactions a read_committed consumer sees, and advances the group offsets', async () => {
    await sendCommands(producer, topics.commands, [depositCommand('acc-b', 10), depositCommand('acc-b', 20)]);
    await eventually(() => expect(eventsOf('acc-b')).toHaveLength(2));
    const admin = await ns.admin();
    const end = await topicOffsets(admin, topics.commands);
    expect(end.some((p) => Number(p.offset) > 0)).toBe(true);
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: `${ns.id}-counter`, topics: [topics.commands] });
      for (const p of end.filter((x) => Number(x.offset) > 0)) {
        const c = committed!.partitions.find((x) => x.partition === p.partition)!;
        expect(Number(c.offset)).toBe(Number(p.offset));
      }
    });
  });

  it('treats a repeated commandId as a no-op that replies with the original result', async () => {
    const cmd = depositCommand('acc-c', 7);
    await sendCommands(producer, topics.commands, [cmd]);
    await eventually(() => expect(eventsOf('acc-c')).toHaveLength(1));
    await sendCommands(producer, topics.commands, [cmd, depositCommand('acc-c', 8), cmd]);
    await eventually(() => {
      expect(out.replies(topics.replies).filter((r) => r.aggregateId === 'acc-c')).toHaveLength(4);
      expect(versions(eventsOf('acc-c'))).toEqual([1, 2]);
    });
    const forCmd = out.replies(topics.replies).filter((r) => r.commandId === cmd.commandId);
    expect(forCmd).toHaveLength(3);
    expect(forCmd[1]).toEqual(forCmd[0]);
    expect(forCmd[2]).toEqual(forCmd[0]);
    expect(forCmd[0]!.aggregateVersion).toBe(1);
  });

  it('replies to a rejected command with its stable code and writes no event', async () => {
    const bad = depositCommand('acc-d', -5);
    await sendCommands(producer, topics.commands, [bad, depositCommand('acc-d', 5)]);
    await eventually(() => expect(eventsOf('acc-d')).toHaveLength(1));
    // Events and replies commit together, but the observer reads the two topics independently.
    const reply = await eventually(() => {
      const found = out.replies(topics.replies).find((r) => r.commandId === bad.commandId);
      if (!found) throw new Error('no reply to the rejected command yet');
      return found;
    });
    expect(reply).toMatchObject({
      outcome: 'rejected',
      rejectionCode: 'invalid_amount',
      aggregateVersion: 0,
      eventIds: [],
    });
    expect(eventsOf('acc-d')[0]!.value.aggregateVersion).toBe(1);
  });

  it('sends undecodable records to the DLQ with their coordinates and keeps processing', async () => {
    const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37]);
    const [sent] = await producer.send({ topic: topics.commands, messages: [{ key: 'acc-e', value: garbage }] });
    const missingFields = jsonTestSerde.encodeSync('test.counter.Deposit', { amount: 1 });
    await producer.send({ topic: topics.commands, messages: [{ key: 'acc-e', value: missingFields }] });
    await sendCommands(producer, topics.commands, [depositCommand('acc-e', 3)]);
    await eventually(() => expect(eventsOf('acc-e')).toHaveLength(1));
    await eventually(() => expect(out.of(topics.dlq).filter((r) => r.key === 'acc-e')).toHaveLength(2));
    const [dead, incomplete] = out.of(topics.dlq).filter((r) => r.key === 'acc-e');
    expect(dead!.headers).toMatchObject({
      'dlq.source.topic': topics.commands,
      'dlq.source.partition': String(sent!.partition),
      'dlq.source.offset': sent!.baseOffset,
      'dlq.group': `${ns.id}-counter`,
    });
    // The value is a DeadLetter record (through the runtime's serde) carrying the original bytes and coordinates.
    expect(dead!.type).toBe(DEAD_LETTER_RECORD);
    const { id, deadLetter } = await readDeadLetter(jsonTestSerde, { value: dead!.raw, headers: dead!.headers });
    expect(deadLetter).toMatchObject({
      sourceTopic: topics.commands,
      sourcePartition: sent!.partition,
      sourceOffset: Number(sent!.baseOffset),
      key: Buffer.from('acc-e'),
      value: garbage,
      consumerGroup: `${ns.id}-counter`,
    });
    expect(deadLetter.error).toMatch(/not a JSON test record/);
    expect(dead!.headers['dlq.id']).toBe(id);
    const second = await readDeadLetter(jsonTestSerde, { value: incomplete!.raw, headers: incomplete!.headers });
    expect(second.deadLetter.value).toEqual(missingFields);
    expect(second.deadLetter.error).toMatch(/missing or empty commandId/);
  });

  it('rebuilds state from snapshot + tail after a restart, and the next command gets the next version', async () => {
    // acc-a has 6 events with snapshotEvery = 3: its partition has snapshot + checkpoint records by now.
    await eventually(() => expect(out.of(topics.snapshots).some((s) => s.key === 'acc-a')).toBe(true));
    await processor!.stop();
    processor = undefined;
    const rebuilds: RebuildInfo[] = [];
    const restarted = counterProcessor(ns.kafka, ns, topics, { onRebuilt: (info) => rebuilds.push(info) });
    processor = restarted;
    await restarted.start();
    const retried = depositCommand('acc-a', 3); // an already-processed commandId: must still be recognised
    await sendCommands(producer, topics.commands, [retried, depositCommand('acc-a', 100)]);
    await eventually(() => expect(eventsOf('acc-a')).toHaveLength(7), { timeoutMs: 60_000 });
    expect(versions(eventsOf('acc-a'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const partition = eventsOf('acc-a')[0]!.partition;
    // The rebuild started from the checkpoint, not offset 0, and replayed only the tail past the snapshots.
    const rebuild = rebuilds.find((r) => r.partition === partition)!;
    expect(rebuild.fromOffset).toBeGreaterThan(0n);
    expect(rebuild.snapshots).toBeGreaterThan(0);
    expect(rebuild.replayed).toBeLessThan(3);
    expect(restarted.inspect(partition, 'acc-a')).toEqual({
      version: 7,
      state: { balance: 1 + 2 + 3 + 4 + 5 + 6 + 100 },
    });
    await eventually(() =>
      expect(out.replies(topics.replies).filter((r) => r.commandId === retried.commandId)).toHaveLength(2),
    );
    const [first, again] = out.replies(topics.replies).filter((r) => r.commandId === retried.commandId);
    expect(again).toEqual(first);
  });
});
