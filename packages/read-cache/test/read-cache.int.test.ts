import { createServer } from 'node:net';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeNotice, type ControlNotice, createReadCache, type ReadCacheOptions } from '../src/index.ts';

let ns: Namespace;
let redis: Redis;
const logger = pino({ level: 'silent' });

beforeAll(() => {
  ns = createNamespace(import.meta.url);
  redis = ns.redis();
});

afterAll(async () => {
  await ns?.cleanup();
});

/** A fresh cache (fresh counters) on the namespace's keys. */
function cache(options: Partial<ReadCacheOptions> = {}) {
  return createReadCache({ redis, prefix: ns.redisPrefix, logger, ...options });
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A loader that counts its calls. */
function counting<T>(fn: () => Promise<T | null>) {
  const loader = Object.assign(
    async () => {
      loader.calls++;
      return fn();
    },
    { calls: 0 },
  );
  return loader;
}

const mustNotLoad = async (): Promise<never> => {
  throw new Error('the loader must not be called: the value is cached');
};

describe('read-through', () => {
  it('loads on a miss, stores the value as JSON, and answers the next read from Redis', async () => {
    const c = cache();
    const key = c.key('orders', 1, 'id', 'order-1');
    expect(key).toBe(`${ns.redisPrefix}rm:orders:g1:id:order-1`);
    const doc = { orderId: 'order-1', status: 'placed', total: { amount: 1250, currency: 'EUR' } };
    const load = counting(async () => doc);

    expect(await c.getOrLoad(key, load)).toEqual(doc);
    expect(await c.getOrLoad(key, mustNotLoad)).toEqual(doc);

    expect(load.calls).toBe(1);
    expect(JSON.parse((await redis.get(key))!)).toEqual(doc);
    expect(await redis.ttl(key)).toBeGreaterThan(5);
    expect(c.stats()).toEqual({ hits: 1, misses: 1, loads: 1, coalesced: 0, errors: 0 });
  });

  it('shares one load among 50 concurrent misses on the same key', async () => {
    const c = cache();
    const key = c.key('products', 1, 'id', 'SKU-50');
    const gate = deferred();
    const load = counting(async () => {
      await gate.promise;
      return { sku: 'SKU-50' };
    });

    const reads = Array.from({ length: 50 }, () => c.getOrLoad(key, load));
    // Hold the load until every caller has missed, so all 50 are waiting on it.
    await eventually(() => c.stats().misses === 50, { message: '50 misses' });
    gate.resolve();

    expect(await Promise.all(reads)).toEqual(Array.from({ length: 50 }, () => ({ sku: 'SKU-50' })));
    expect(load.calls).toBe(1);
    expect(c.stats()).toMatchObject({ misses: 50, loads: 1, coalesced: 49 });
  });

  it('gives a load error to every waiter and caches nothing', async () => {
    const c = cache();
    const key = c.key('products', 1, 'id', 'SKU-ERR');
    const gate = deferred();
    const failing = counting(async () => {
      await gate.promise;
      throw new Error('mongo is down');
    });

    const reads = Array.from({ length: 3 }, () => c.getOrLoad(key, failing));
    await eventually(() => c.stats().misses === 3, { message: '3 misses' });
    gate.resolve();

    for (const r of await Promise.allSettled(reads)) {
      expect(r).toMatchObject({ status: 'rejected', reason: { message: 'mongo is down' } });
    }
    expect(failing.calls).toBe(1);
    expect(await redis.exists(key)).toBe(0);
    expect(await c.getOrLoad(key, async () => ({ sku: 'SKU-ERR' }))).toEqual({ sku: 'SKU-ERR' });
  });
});

describe('invalidation', () => {
  it('does not let a load that started before an invalidation write its stale value back', async () => {
    const reader = cache();
    const worker = cache();
    const key = reader.key('orders', 2, 'id', 'order-race');
    const db = { status: 'placed' };
    const gate = deferred();
    const loadStarted = deferred();

    // A reader misses and reads the database before the worker's write, then is slow to store what it read.
    const slowRead = reader.getOrLoad(key, async () => {
      const seen = { ...db };
      loadStarted.resolve();
      await gate.promise;
      return seen;
    });
    await loadStarted.promise;
    db.status = 'paid';
    await worker.invalidate('orders', 2, [{ kind: 'id', id: 'order-race' }]);
    gate.resolve();
    expect(await slowRead).toEqual({ status: 'placed' });

    expect(await redis.exists(key)).toBe(0);
    const load = counting(async () => ({ ...db }));
    expect(await reader.getOrLoad(key, load)).toEqual({ status: 'paid' });
    expect(load.calls).toBe(1);
    expect(await reader.getOrLoad(key, mustNotLoad)).toEqual({ status: 'paid' });
  });

  it('does not hand a caller that arrives after an invalidation the result of a load started before it', async () => {
    const c = cache();
    const key = c.key('orders', 2, 'id', 'order-join');
    const db = { status: 'placed' };
    const gate = deferred();
    const loadStarted = deferred();

    const early = c.getOrLoad(key, async () => {
      const seen = { ...db };
      loadStarted.resolve();
      await gate.promise;
      return seen;
    });
    await loadStarted.promise;
    db.status = 'paid';
    await c.invalidate('orders', 2, [{ kind: 'id', id: 'order-join' }]);

    // Same process, same key, the early load still in flight: the late caller must load on its own.
    const late = counting(async () => ({ ...db }));
    const lateRead = c.getOrLoad(key, late);
    gate.resolve();
    expect(await lateRead).toEqual({ status: 'paid' });
    expect(late.calls).toBe(1);
    expect(await early).toEqual({ status: 'placed' });
    expect(await c.getOrLoad(key, mustNotLoad)).toEqual({ status: 'paid' });
    expect(c.stats().coalesced).toBe(0);
  });

  it('caches "not found" briefly, distinct from a miss, until an invalidation clears it', async () => {
    const c = cache({ negativeTtlSeconds: 5 });
    const key = c.key('products', 3, 'id', 'SKU-NEW');
    const notFound = counting(async () => null);

    expect(await c.getOrLoad(key, notFound)).toBeNull();
    expect(await c.getOrLoad(key, mustNotLoad)).toBeNull();
    expect(notFound.calls).toBe(1);
    expect(c.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(await redis.get(key)).toBe('null');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5);

    await c.invalidate('products', 3, [{ kind: 'id', id: 'SKU-NEW' }]);
    expect(await c.getOrLoad(key, async () => ({ sku: 'SKU-NEW' }))).toEqual({ sku: 'SKU-NEW' });
  });

  it('bumps the list revision, so cached list pages of that generation are not served again', async () => {
    const c = cache();
    const params = 'customerId=user_1&limit=20';
    const before = await c.listKey('orders', 4, 'by-customer', params);
    expect(before).toMatch(new RegExp(`^${ns.redisPrefix}rm:orders:g4:r0:by-customer:[0-9a-f]{40}$`));
    expect(await c.getOrLoad(before, async () => ['order-1'])).toEqual(['order-1']);
    expect(await c.listKey('orders', 4, 'by-customer', params)).toBe(before);
    const otherGeneration = await c.listKey('orders', 5, 'by-customer', params);

    await c.invalidate('orders', 4, [{ kind: 'id', id: 'order-2' }]);

    const after = await c.listKey('orders', 4, 'by-customer', params);
    expect(after).toContain(':g4:r1:by-customer:');
    const load = counting(async () => ['order-1', 'order-2']);
    expect(await c.getOrLoad(after, load)).toEqual(['order-1', 'order-2']);
    expect(load.calls).toBe(1);
    expect(await c.listKey('orders', 5, 'by-customer', params)).toBe(otherGeneration);
  });
});

describe('notices', () => {
  it('delivers change notices to subscribers of that model only, until closed', async () => {
    const c = cache();
    const received: ChangeNotice[] = [];
    const sub = await c.subscribeChanges(['orders', 'inventory'], (n) => received.push(n));
    const orders: ChangeNotice = {
      model: 'orders',
      generation: 3,
      changes: [{ id: 'order-7', version: 5, customerId: 'user_1' }],
    };

    await c.publishChanges('products', { model: 'products', generation: 1, changes: [{ id: 'SKU-1' }] });
    await c.publishChanges('orders', orders);
    await eventually(() => received.length > 0, { message: 'orders notice received' });
    expect(received).toEqual([orders]);

    const channel = `${ns.redisPrefix}rm:orders:changes`;
    expect(await redis.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    await sub.close();
    expect(await redis.pubsub('NUMSUB', channel)).toEqual([channel, 0]);
  });

  it('mirrors the active generation in Redis and announces the switch on the control channel', async () => {
    const c = cache();
    expect(await c.activeGeneration('sales')).toBeNull();
    const received: ControlNotice[] = [];
    const sub = await c.subscribeControl((n) => received.push(n));

    await c.setActiveGeneration('sales', 4);

    expect(await c.activeGeneration('sales')).toBe(4);
    expect(await redis.get(`${ns.redisPrefix}rm:sales:active`)).toBe('4');
    await eventually(() => received.length > 0, { message: 'control notice received' });
    expect(received).toEqual([{ model: 'sales', active: 4 }]);
    await sub.close();
  });
});

describe('with Redis unreachable', () => {
  it('answers reads from the loader, and fails the writes workers depend on', async () => {
    const port = await closedPort();
    const down = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    down.on('error', () => {}); // connection refusals are expected here
    try {
      const c = createReadCache({ redis: down, prefix: ns.redisPrefix, logger });
      const key = c.key('orders', 1, 'id', 'order-offline');
      const load = counting(async () => ({ orderId: 'order-offline' }));

      expect(await c.getOrLoad(key, load)).toEqual({ orderId: 'order-offline' });
      expect(await c.getOrLoad(key, load)).toEqual({ orderId: 'order-offline' });
      expect(load.calls).toBe(2);
      const listKey = await c.listKey('orders', 1, 'by-customer', 'user_1');
      expect(await c.getOrLoad(listKey, async () => ['order-offline'])).toEqual(['order-offline']);
      expect(await c.getOrLoad(key, async () => null)).toBeNull();
      expect(await c.activeGeneration('orders')).toBeNull();
      expect(c.stats()).toMatchObject({ hits: 0, misses: 4, loads: 4 });
      expect(c.stats().errors).toBeGreaterThanOrEqual(5);

      await expect(c.invalidate('orders', 1, [{ kind: 'id', id: 'order-offline' }])).rejects.toThrow();
      await expect(
        c.publishChanges('orders', { model: 'orders', generation: 1, changes: [{ id: 'order-offline' }] }),
      ).rejects.toThrow();
      await expect(c.setActiveGeneration('orders', 2)).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});

/** A port nothing listens on: bind an ephemeral port, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
