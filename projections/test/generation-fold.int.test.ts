/**
 * The projection loop stopped in the middle of a batch, against the real stack. A handoff stops the running
 * worker's fold and then reads how far it got; kafkajs ignores `consumer.commitOffsets` once `stop()` has begun,
 * so a batch written during the stop would be in the collection but not in the committed offsets, and a rebuild
 * switching on those offsets would miss documents queries had seen. The fold commits that last batch anyway, and
 * its `positions` report what it wrote.
 */
import { loadConfig } from '@streamshop/config';
import { committedOffsets, createGenerationFold, type GenerationFold } from '@streamshop/projection-runtime';
import type { ReadCache } from '@streamshop/read-cache';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ordersProjection } from '../src/orders/orders.projection.ts';
import { sampleOrderStream } from '../src/orders/orders.sample-stream.ts';
import type { ReadSide } from '../src/wiring.ts';
import { produceSample, readSide } from './read-side.fixture.ts';

const config = loadConfig();
let ns: Namespace;
let side: ReadSide;

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  side = await readSide(ns, config);
  await produceSample(ns, config, sampleOrderStream({ seed: ns.id, count: 30, startAt: Date.UTC(2026, 10, 2) }));
});
afterAll(async () => {
  await side?.close();
  await ns?.cleanup();
});

it('a fold stopped while it writes a batch still commits that batch, and reports it in its positions', async () => {
  const groupId = `${ns.id}-stopped-mid-batch`;
  let fold: GenerationFold | undefined;
  let stopping: Promise<void> | undefined;
  const cache = side.cache as ReadCache;
  // The fold drops a batch's cache entries after writing it and before committing it: stop right there.
  const stopAfterFirstWrite: ReadCache = {
    ...cache,
    invalidate: async (...args: Parameters<ReadCache['invalidate']>) => {
      stopping ??= fold!.stop();
      return cache.invalidate(...args);
    },
  };
  fold = createGenerationFold(
    { ...side, cache: stopAfterFirstWrite },
    { definition: ordersProjection, generation: 1, groupId, isActive: () => false, consumer: { maxWaitTimeInMs: 100 } },
  );
  await fold.start();
  await eventually(() => stopping !== undefined, { timeoutMs: 60_000, message: 'no batch was folded' });
  await stopping;

  const written = new Map(fold.positions);
  expect(written.size).toBeGreaterThan(0);
  expect(await side.db.collection('orders__g1').countDocuments()).toBeGreaterThan(0);
  const admin = await ns.admin();
  const committed = await committedOffsets(admin, groupId, [ns.topic('orders.events')]);
  for (const [partition, next] of written) {
    expect(committed.get(partition), `committed offset of ${partition}`).toBe(next);
  }
});
