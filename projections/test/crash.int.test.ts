/**
 * Crash safety: a projection worker SIGKILLed at random instants while it folds an 11,000-event backlog ends, after
 * a restart, exactly like a clean fold of the same topic from offset zero (documents compared without internal
 * fields). Offsets are committed after the writes and the version guard skips what a killed run already wrote. The
 * orders model folds orders.events and payments.events, so its writes are `_rev`-guarded: the multi-topic path.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@streamshop/config';
import { committedOffsets, endOffsets, lagOf, rebuildProjection } from '@streamshop/projection-runtime';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersProjection } from '../src/orders/orders.projection.ts';
import { sampleOrderStream } from '../src/orders/orders.sample-stream.ts';
import type { ReadSide } from '../src/wiring.ts';
import { childEnv, documents, produceSample, readSide } from './read-side.fixture.ts';

const config = loadConfig();
const child = fileURLToPath(new URL('./projection-worker.child.ts', import.meta.url));
let ns: Namespace;
let side: ReadSide;
const running = new Set<ChildProcess>();

function startWorker(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, 'orders'], {
    env: childEnv(ns),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(proc);
    });
    proc.on('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

const killed = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  side = await readSide(ns, config);
});
afterAll(async () => {
  for (const proc of running) proc.kill('SIGKILL');
  await side?.close();
  await ns?.cleanup();
});

describe('a projection worker killed at random points', () => {
  it('ends equal to a clean fold from zero', async () => {
    const ORDERS = 2_000;
    const events = sampleOrderStream({ seed: ns.id, count: ORDERS, startAt: Date.UTC(2026, 10, 1) });
    expect(events.length).toBeGreaterThanOrEqual(11_000);
    await produceSample(ns, config, events);
    const topics = [ns.topic('orders.events')];
    const admin = await ns.admin();
    const end = await endOffsets(admin, topics);
    // Progress is what the worker committed, not how many documents exist: every order exists long before the
    // backlog is folded (inserts are fast), and the kills must land all along it.
    const lag = async () => {
      const control = await side.db.collection('projection_control').findOne({ _id: 'orders' as never });
      const group = control?.generations?.g1?.groupId as string | undefined;
      return lagOf(end, group ? await committedOffsets(admin, group, topics) : new Map()).total;
    };

    let kills = 0;
    let worker = await startWorker();
    while (kills < 6) {
      // Wait for progress since the restart, then kill after a random instant (mid-batch, mid-write, mid-commit).
      const before = await lag();
      if (before === 0n) break;
      await eventually(async () => expect(await lag()).toBeLessThan(before), {
        timeoutMs: 60_000,
        message: 'the restarted worker made no progress',
      });
      await new Promise((r) => setTimeout(r, Math.random() * 150));
      await killed(worker);
      kills++;
      worker = await startWorker();
    }
    await eventually(async () => expect(await lag()).toBe(0n), {
      timeoutMs: 120_000,
      message: 'the worker did not catch up after the kills',
    });
    await killed(worker);
    expect(kills).toBeGreaterThanOrEqual(5);

    // The reference: a clean fold of the same topic from offset zero, into its own generation.
    const clean = await rebuildProjection(ordersProjection, side, {
      until: Date.UTC(2100, 0, 1),
      progressIntervalMs: 200,
    });
    const folded = await documents(side, 'orders', 1);
    const reference = await documents(side, 'orders', clean.generation);
    expect(reference).toHaveLength(ORDERS);
    expect(folded).toHaveLength(ORDERS);
    expect(folded).toEqual(reference);
    expect(folded.filter((d) => d.status === 'confirmed').length).toBeGreaterThan((ORDERS * 2) / 3);
  }, 400_000);
});
