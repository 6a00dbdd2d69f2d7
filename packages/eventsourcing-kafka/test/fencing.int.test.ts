import { createNamespace, type Namespace } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandProcessor, transactionalIdFor } from '../src/command-processor.ts';
import { createTransactionalProducer, isFencingError } from '../src/kafka-io.ts';
import {
  collect,
  counterProcessor,
  counterTopics,
  depositCommand,
  eventually,
  PARTITIONS,
  sendCommands,
  type Topics,
} from './counter.fixture.ts';
import { jsonTestSerde } from './json-test-serde.ts';

let ns: Namespace;
let topics: Topics;
let producer: Producer;
const running: CommandProcessor[] = [];
let out: Awaited<ReturnType<typeof collect>>;

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  topics = await counterTopics(ns);
  producer = ns.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  out = await collect(ns.kafka, `${ns.id}-observer`, [topics.events, topics.replies]);
});

afterAll(async () => {
  for (const p of running) await p.stop().catch(() => {});
  await out?.stop();
  await producer?.disconnect();
  await ns?.cleanup();
});

const start = async () => {
  const p = counterProcessor(ns.kafka, ns, topics);
  running.push(p);
  await p.start();
  return p;
};

/** Every command produced exactly one event set: no duplicate event ids, versions 1..n per account. */
function expectExactlyOnce(accounts: string[], perAccount: number) {
  const events = out.of(topics.events);
  const ids = events.map((e) => e.value.eventId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const account of accounts) {
    const versions = events.filter((e) => e.key === account).map((e) => e.value.aggregateVersion);
    expect(versions).toEqual(Array.from({ length: perAccount }, (_, i) => i + 1));
  }
}

describe('zombie fencing', () => {
  it('a newer producer with the same transactional id fences the runtime; it drops the partition, never duplicates', async () => {
    const first = await start();
    const accounts = ['f-1', 'f-2', 'f-3', 'f-4'];
    await sendCommands(
      producer,
      topics.commands,
      accounts.map((a) => depositCommand(a, 1)),
    );
    await eventually(() => expect(out.of(topics.events)).toHaveLength(accounts.length), { timeoutMs: 60_000 });

    // Impersonate a newer owner of every partition: initialising the transactional ids fences `first`.
    const usurpers = [];
    for (let partition = 0; partition < PARTITIONS; partition++) {
      usurpers.push(
        await createTransactionalProducer(ns.kafka, transactionalIdFor(`${ns.id}-counter`, topics.commands, partition)),
      );
    }
    await sendCommands(
      producer,
      topics.commands,
      accounts.map((a) => depositCommand(a, 2)),
    );
    await eventually(() => expect(first.fencings).toBeGreaterThan(0), { timeoutMs: 60_000 });
    // The fenced runtime backs off, re-initialises (fencing the usurpers in turn), rebuilds and processes each
    // command exactly once.
    await eventually(() => expect(out.of(topics.events)).toHaveLength(accounts.length * 2), { timeoutMs: 60_000 });
    expectExactlyOnce(accounts, 2);

    // The usurpers are now the stale ones: their next transaction is refused.
    const stale = usurpers[0]!;
    const tx = await stale.transaction();
    const attempt = async () => {
      await tx.send({ topic: topics.events, messages: [{ key: 'zombie', value: Buffer.from('{}'), partition: 0 }] });
      await tx.commit();
    };
    const err = await attempt().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFencingError(err)).toBe(true);
    await tx.abort().catch(() => {});
    for (const u of usurpers) await u.disconnect();
    expect(out.of(topics.events).some((e) => e.key === 'zombie')).toBe(false);
  });

  it('a second instance joining takes partitions over without losing or doubling commands', async () => {
    const accounts = ['g-1', 'g-2', 'g-3', 'g-4', 'g-5', 'g-6'];
    const before = out.of(topics.events).length;
    const second = await start();
    // Commands keep flowing while the group rebalances between the two instances.
    for (let round = 1; round <= 5; round++) {
      await sendCommands(
        producer,
        topics.commands,
        accounts.map((a) => depositCommand(a, round)),
      );
    }
    await eventually(() => expect(out.of(topics.events).length - before).toBe(accounts.length * 5), {
      timeoutMs: 90_000,
    });
    await second.stop();
    for (let round = 6; round <= 7; round++) {
      await sendCommands(
        producer,
        topics.commands,
        accounts.map((a) => depositCommand(a, round)),
      );
    }
    await eventually(() => expect(out.of(topics.events).length - before).toBe(accounts.length * 7), {
      timeoutMs: 90_000,
    });
    expectExactlyOnce(accounts, 7);
    expect(
      out.replies(topics.replies).filter((r) => r.aggregateId.startsWith('g-') && r.outcome !== 'accepted'),
    ).toEqual([]);
    void jsonTestSerde;
  });
});
