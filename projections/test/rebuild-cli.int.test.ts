/**
 * The operator's commands end to end, as an operator runs them (the real `streamshop` binary): with no worker
 * running, `projections rebuild orders` folds a new generation, switches to it on the end offsets and drops the
 * old one itself after the grace period; `projections status --json` then shows the new generation with no lag.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@streamshop/config';
import { createNamespace, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOrderStream } from '../src/orders/orders.sample-stream.ts';
import type { ReadSide } from '../src/wiring.ts';
import { produceSample, readSide } from './read-side.fixture.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../packages/cli/bin/streamshop.js', import.meta.url));
const config = loadConfig();
let ns: Namespace;
let side: ReadSide;

const streamshop = (...args: string[]) =>
  run(process.execPath, [bin, ...args, '--prefix', ns.topicPrefix], {
    env: { ...process.env, MONGODB_DATABASE: ns.database, STREAMSHOP_LOG_LEVEL: 'error' },
    maxBuffer: 16 * 1024 * 1024,
  });

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  side = await readSide(ns, config);
  await produceSample(ns, config, sampleOrderStream({ seed: ns.id, count: 60, startAt: Date.UTC(2026, 10, 4) }));
});
afterAll(async () => {
  await side?.close();
  await ns?.cleanup();
});

describe('streamshop projections', () => {
  it('rebuilds a model with no worker running, switches, drops the old generation, and reports it', async () => {
    const { stdout } = await streamshop(
      'projections',
      'rebuild',
      'orders',
      '--json',
      '--grace',
      '0s',
      '--redis-prefix',
      ns.redisPrefix,
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = lines.find((l) => l.event === 'done');
    expect(done).toMatchObject({ model: 'orders', generation: 2, previous: 1, switched: true, pointInTime: false });
    expect(lines.some((l) => l.event === 'progress' && typeof l.eventsPerSecond === 'number')).toBe(true);
    expect(await side.db.collection('orders__g2').countDocuments()).toBe(60);
    expect(await side.cache.activeGeneration('orders')).toBe(2);
    expect((await side.db.listCollections({ name: 'orders__g1' }).toArray()).length).toBe(0);

    const status = JSON.parse((await streamshop('projections', 'status', '--json')).stdout) as {
      model: string;
      active: number;
      lag: { total: number };
      generations: { generation: number; state: string }[];
    }[];
    const orders = status.find((s) => s.model === 'orders');
    expect(orders).toMatchObject({ active: 2, lag: { total: 0 } });
    expect(orders?.generations.map((g) => [g.generation, g.state])).toEqual([
      [1, 'dropped'],
      [2, 'active'],
    ]);
  });

  it('refuses an unknown model and a malformed instant with a message naming the fix', async () => {
    await expect(streamshop('projections', 'rebuild', 'ordrs')).rejects.toMatchObject({
      stderr: expect.stringContaining('choose from products, orders, inventory, sales'),
    });
    await expect(streamshop('projections', 'rebuild', 'orders', '--until', 'yesterday')).rejects.toMatchObject({
      stderr: expect.stringContaining('write e.g. 2026-11-24T12:00:00Z'),
    });
  });
});
