/**
 * The rate limiter's batched Redis store (src/adapters/rate-limit-store.ts) against the real Redis: the increments of
 * one turn of the event loop leave as one script call, and each request gets the count its own INCR would have got.
 */
import { createNamespace, type Namespace } from '@streamshop/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchedRedisStore } from '../src/adapters/rate-limit-store.ts';
import { redisCommandsDuring } from './gateway.fixture.ts';

let ns: Namespace;
let redis: Redis;

beforeAll(() => {
  ns = createNamespace(import.meta.url);
  redis = ns.redis();
});

afterAll(async () => {
  await ns?.cleanup();
});

type Result = { current: number; ttl: number };

/** Calls `incr` for each key in the same turn, as concurrent requests do; resolves with every answer in order. */
function incrAll(store: InstanceType<ReturnType<typeof batchedRedisStore>>, keys: string[], windowMs = 60_000) {
  return Promise.all(
    keys.map(
      (key) =>
        new Promise<Result>((resolve, reject) =>
          store.incr(key, (err, res) => (err ? reject(err) : resolve(res as Result)), windowMs),
        ),
    ),
  );
}

describe('batchedRedisStore', () => {
  it('counts the requests of one turn in one script call, each with the count of its own INCR', async () => {
    const Store = batchedRedisStore(redis, `${ns.redisPrefix}rl:`);
    const store = new Store({});
    let answers: Result[] = [];
    const commands = await redisCommandsDuring(ns, async () => {
      answers = await incrAll(store, ['1.2.3.4', '1.2.3.4', '5.6.7.8', '1.2.3.4']);
    });

    expect(commands).toHaveLength(1);
    expect(answers.map((a) => a.current)).toEqual([1, 2, 1, 3]);
    expect(answers.every((a) => a.ttl === 60_000)).toBe(true);
    expect(await redis.get(`${ns.redisPrefix}rl:1.2.3.4`)).toBe('3');
    const ttl = await redis.pttl(`${ns.redisPrefix}rl:1.2.3.4`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    // The next turn carries on from Redis' count, inside the same window (no new expiry).
    const next = await incrAll(store, ['1.2.3.4', '1.2.3.4']);
    expect(next.map((a) => a.current)).toEqual([4, 5]);
    expect(next[0]!.ttl).toBeLessThanOrEqual(60_000);
  });

  it('keeps a route with its own limit apart, under RedisStore’s key names', async () => {
    const Store = batchedRedisStore(redis, `${ns.redisPrefix}rl:`);
    const login = new Store({}).child({ routeInfo: { method: 'POST', url: '/api/dev/login' } } as never);
    await incrAll(login as InstanceType<typeof Store>, ['9.9.9.9']);
    expect(await redis.get(`${ns.redisPrefix}rl:POST/api/dev/login-9.9.9.9`)).toBe('1');
    expect(await redis.get(`${ns.redisPrefix}rl:9.9.9.9`)).toBeNull();
  });

  it('starts a new window once the old one has expired', async () => {
    const Store = batchedRedisStore(redis, `${ns.redisPrefix}rl:`);
    const store = new Store({});
    expect((await incrAll(store, ['4.4.4.4', '4.4.4.4'], 50)).map((a) => a.current)).toEqual([1, 2]);
    await redis.pexpire(`${ns.redisPrefix}rl:4.4.4.4`, 1);
    await new Promise((r) => setTimeout(r, 5)); // the key is gone once its 1 ms TTL has passed
    const fresh = await incrAll(store, ['4.4.4.4'], 50);
    expect(fresh).toEqual([{ current: 1, ttl: 50 }]);
  });

  it('hands every request of the batch the error when Redis fails', async () => {
    const down = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false });
    down.on('error', () => {});
    const Store = batchedRedisStore(down, `${ns.redisPrefix}rl:`);
    const store = new Store({});
    const results = await Promise.allSettled([incrAll(store, ['1.1.1.1']), incrAll(store, ['2.2.2.2'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    down.disconnect();
  });

  it('refuses the modes that re-arm the window on every hit', () => {
    const Store = batchedRedisStore(redis, `${ns.redisPrefix}rl:`);
    expect(() => new Store({ continueExceeding: true })).toThrow(/fixed windows only/);
  });
});
