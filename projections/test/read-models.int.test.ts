/**
 * The read side as shoppers and operators meet it, against the real stack: a running orders worker keeps the
 * read model and its cache fresh (with change notices); a rebuild under load never makes a query fail or miss a
 * document the previous generation had, and after the switch nothing is served from the old generation; and a
 * point-in-time rebuild holds exactly the orders placed before the instant, each as it stood then.
 */
import { loadConfig } from '@streamshop/config';
import {
  createProjectionWorker,
  given,
  type ProjectedEvent,
  type ProjectionWorker,
  projected,
  publicFields,
  rebuildProjection,
} from '@streamshop/projection-runtime';
import type { ChangeNotice } from '@streamshop/read-cache';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersProjection } from '../src/orders/orders.projection.ts';
import { type SampleEvent, sampleOrderStream } from '../src/orders/orders.sample-stream.ts';
import { createQueries, type Queries } from '../src/queries.ts';
import type { ReadSide } from '../src/wiring.ts';
import { documents, logger, produceSample, readSide } from './read-side.fixture.ts';

const config = loadConfig();
const START = Date.UTC(2026, 10, 2);
let ns: Namespace;
let side: ReadSide;
let worker: ProjectionWorker;
let queries: Queries;
const produced: SampleEvent[] = [];

async function produce(events: SampleEvent[]) {
  await produceSample(ns, config, events);
  produced.push(...events);
}

const orderIds = (events: SampleEvent[]) => [...new Set(events.map((e) => e.key))];

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  side = await readSide(ns, config);
  queries = createQueries({ db: side.db, cache: side.cache });
  await produce(sampleOrderStream({ seed: ns.id, count: 200, startAt: START }));
  worker = createProjectionWorker(ordersProjection, side, { controlPollMs: 200, consumer: { maxWaitTimeInMs: 100 } });
  await worker.start();
  await eventually(async () => expect(await side.db.collection('orders__g1').countDocuments()).toBe(200), {
    timeoutMs: 90_000,
    message: 'the worker did not fold the first 200 orders',
  });
});
afterAll(async () => {
  await worker?.stop();
  await side?.close();
  await ns?.cleanup();
});

describe('the orders read model', () => {
  it('serves the new state after an event once the worker wrote it, and announces the change', async () => {
    const orderId = orderIds(produced)[0] as string;
    const before = await queries.orders.byId(orderId);
    expect(before).not.toBeNull();
    expect(await queries.orders.byId(orderId)).toEqual(before); // now cached
    const notices: ChangeNotice[] = [];
    const subscription = await side.cache.subscribeChanges(['orders'], (n) => notices.push(n));
    try {
      const version = (before?.version ?? 0) + 1;
      const shipped = {
        type: 'streamshop.orders.OrderShipped',
        key: orderId,
        value: {
          eventId: `shipped-${orderId}`,
          aggregateId: orderId,
          aggregateVersion: version,
          occurredAt: START + 86_400_000,
          correlationId: orderId,
          causationId: `ship-${orderId}`,
          carrier: 'bpost',
          trackingNumber: 'TRACK-1',
        },
      } as SampleEvent;
      await produce([shipped]);
      await eventually(async () => expect((await queries.orders.byId(orderId))?.status).toBe('shipped'), {
        timeoutMs: 30_000,
        message: 'the cached order never showed the new state',
      });
      const after = await queries.orders.byId(orderId);
      expect(after?.shipment).toEqual({ carrier: 'bpost', trackingNumber: 'TRACK-1' });
      expect(after?.timeline.at(-1)).toMatchObject({ status: 'shipped', version });
      await eventually(
        () =>
          expect(notices.flatMap((n) => n.changes)).toContainEqual(expect.objectContaining({ id: orderId, version })),
        {
          timeoutMs: 10_000,
        },
      );
      expect(notices[0]?.generation).toBe(1);
    } finally {
      await subscription.close();
    }
  });

  it('rebuilds under load without a failed query or a missing order, then serves only the new generation', async () => {
    // Sanity check that queries do go through the generation's cache key (so the last assertion means something).
    const probe = orderIds(produced)[1] as string;
    const g1Key = side.cache.key('orders', 1, 'id', probe);
    await queries.orders.byId(probe);
    await side.redis.set(g1Key, JSON.stringify({ id: probe, status: 'STALE' }));
    expect((await queries.orders.byId(probe))?.status).toBe('STALE');
    await side.cache.invalidate('orders', 1, [{ kind: 'id', id: probe }]);

    let producing = true;
    let next = 200;
    const producer = (async () => {
      // A steady trickle (about four orders a second), not a flood: the point is that events keep arriving across
      // the handoff and the switch; the orders fold on FerretDB is slow enough under a loaded CI that a flood only
      // measures how far behind the new generation ends up.
      while (producing) {
        await produce(sampleOrderStream({ seed: ns.id, count: 2, first: next, startAt: START }));
        next += 2;
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    const seen = new Set<string>();
    const failures: string[] = [];
    let querying = true;
    let rounds = 0;
    const reader = (async () => {
      while (querying) {
        rounds++;
        try {
          const g = await queries.generation('orders');
          const ids = (
            await side.db
              .collection(`orders__g${g}`)
              .find({}, { projection: { _id: 1 } })
              .toArray()
          ).map((d) => String(d._id));
          const visible = new Set(ids);
          const all = [...seen];
          const sample = [
            ...all.slice(-10),
            ...Array.from({ length: 20 }, () => all[Math.floor(Math.random() * all.length)]),
          ];
          for (const id of sample) {
            if (id === undefined) continue;
            if (!visible.has(id)) failures.push(`g${g} misses ${id}, which an earlier query saw`);
            if ((await queries.orders.byId(id)) === null) failures.push(`byId(${id}) returned null in g${g}`);
          }
          for (const id of ids) seen.add(id);
          const page = await queries.orders.byCustomer('customer-3', { limit: 5 });
          if (page.items.length === 0) failures.push(`customer-3 has no orders in g${g}`);
        } catch (err) {
          failures.push(`query failed: ${(err as Error).message}`);
        }
      }
    })();

    let result: Awaited<ReturnType<typeof rebuildProjection>>;
    try {
      result = await rebuildProjection(ordersProjection, side, {
        graceMs: 2_000,
        progressIntervalMs: 200,
        log: (m) => logger.info(m),
        onProgress: (p) => logger.debug(p, 'rebuild progress'),
      });
      await new Promise((r) => setTimeout(r, 1_000)); // keep querying across the switch
    } finally {
      producing = false;
      await producer;
      querying = false;
      await reader;
    }
    expect(result).toMatchObject({ generation: 2, previous: 1, switched: true });

    expect(failures).toEqual([]);
    expect(rounds).toBeGreaterThan(3);
    expect(await queries.generation('orders')).toBe(2);
    await eventually(() => expect(worker.generation).toBe(2), {
      timeoutMs: 10_000,
      message: 'the worker did not follow g2',
    });
    const ids = orderIds(produced);
    expect(ids.length).toBeGreaterThan(200);
    await eventually(async () => expect(await side.db.collection('orders__g2').countDocuments()).toBe(ids.length), {
      timeoutMs: 120_000,
      message: 'the new generation does not hold every order',
    });
    // Nothing from the old generation: a value planted under a g1 key is not what queries return.
    await side.redis.set(g1Key, JSON.stringify({ id: probe, status: 'STALE' }));
    expect((await queries.orders.byId(probe))?.status).not.toBe('STALE');
    // The worker drops the retired generation after the grace period.
    await eventually(
      async () => expect((await side.db.listCollections({ name: 'orders__g1' }).toArray()).length).toBe(0),
      { timeoutMs: 30_000, message: 'the old generation was not dropped after its grace period' },
    );
  }, 300_000);

  it('makes a point-in-time copy with exactly the orders placed before T, each as it stood at T', async () => {
    const T = START + 120 * 250 + 500; // after order 120 was placed, mid-way through some orders' lives
    const result = await rebuildProjection(ordersProjection, side, { until: T, progressIntervalMs: 200 });
    expect(result).toMatchObject({ pointInTime: true, switched: false });
    expect(await queries.generation('orders')).toBe(2);

    const byOrder = new Map<string, SampleEvent[]>();
    for (const e of produced) byOrder.set(e.key, [...(byOrder.get(e.key) ?? []), e]);
    const expected = [...byOrder]
      .map(([id, events]) => {
        const before = events.filter((e) => Number(e.value.occurredAt) < T).map((e) => asProjected(e));
        return before.length === 0 ? null : publicFields(given(ordersProjection, ...before).doc(id) as object);
      })
      .filter((d) => d !== null)
      .sort((a, b) => String((a as { _id: string })._id).localeCompare(String((b as { _id: string })._id)));
    const copy = await documents(side, 'orders', result.generation);
    expect(copy.length).toBeGreaterThan(100);
    expect(copy.every((d) => Number(d.placedAt) < T)).toBe(true);
    expect(copy).toEqual(expected);
    expect(copy.some((d) => d.status !== 'confirmed' && d.status !== 'cancelled')).toBe(true);
  });
});

/** A sample record as the runtime would hand it over: the envelope as `meta`, the rest as the payload. */
function asProjected(e: SampleEvent): ProjectedEvent {
  const { eventId, aggregateId, aggregateVersion, occurredAt, correlationId, causationId, ...value } = e.value;
  return projected('orders.events', e.type, value, {
    aggregateId,
    version: aggregateVersion,
    at: occurredAt,
    correlationId,
  });
}
