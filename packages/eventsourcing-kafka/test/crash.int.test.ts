import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createNamespace, type Namespace } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, counterTopics, depositCommand, eventually, sendCommands, type Topics } from './counter.fixture.ts';

let ns: Namespace;
let topics: Topics;
let producer: Producer;
let out: Awaited<ReturnType<typeof collect>>;
const children: ChildProcess[] = [];

function spawnProcessor(): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./counter-processor.child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ nsId: ns.id, topics })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`processor exited early (${code})`)));
  });
}

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  topics = await counterTopics(ns);
  producer = ns.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  out = await collect(ns.kafka, `${ns.id}-observer`, [topics.events, topics.replies]);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await out?.stop();
  await producer?.disconnect();
  await ns?.cleanup();
});

describe('crash (SIGKILL) mid-stream', () => {
  it('after kill -9 and a restart, every command produced exactly one event set', async () => {
    const accounts = ['k-1', 'k-2', 'k-3', 'k-4', 'k-5'];
    const rounds = 40;
    const first = await spawnProcessor();
    const sending = (async () => {
      for (let round = 1; round <= rounds; round++) {
        await sendCommands(
          producer,
          topics.commands,
          accounts.map((a) => depositCommand(a, round)),
        );
      }
    })();
    // Kill it while it is in the middle of the stream: some events out, not all.
    await eventually(() => expect(out.of(topics.events).length).toBeGreaterThan(20), { timeoutMs: 60_000 });
    first.kill('SIGKILL');
    await sending;
    await spawnProcessor();
    await eventually(
      () => {
        const events = out.of(topics.events);
        expect(events).toHaveLength(accounts.length * rounds);
        const ids = events.map((e) => e.value.eventId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const a of accounts) {
          const versions = events.filter((e) => e.key === a).map((e) => e.value.aggregateVersion);
          expect(versions).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
          const amounts = events.filter((e) => e.key === a).map((e) => e.value.amount);
          expect(amounts).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
        }
      },
      { timeoutMs: 90_000 },
    );
  });
});
