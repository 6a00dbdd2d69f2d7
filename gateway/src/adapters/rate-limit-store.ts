/**
 * The rate limiter's counters in Redis, for @fastify/rate-limit: counted as its own RedisStore counts them (INCR,
 * the window set with PEXPIRE on a window's first hit, PTTL otherwise), but the increments of one turn of the event
 * loop leave as ONE script call. Under load the gateway otherwise spent a Redis command and a Lua run per request on
 * its limiter, a quarter of its throughput on a cached product read (docs/performance.md, "Gateway").
 *
 * Invariant — the same verdicts as one INCR per request: every request adds one to its client's counter in Redis
 * before it is let through, and a batch of n requests on one key runs INCRBY n, handing them the counts
 * result − n + 1 … result in arrival order: exactly what n INCRs in a row would have answered. A request waits at
 * most until the end of the current turn (setImmediate) for its batch to leave. If Redis fails, every request of the
 * batch gets the error (the plugin's `skipOnError` then lets them through, as before).
 *
 * Keys: `<nameSpace><client>` and, for a route with its own limit, `<nameSpace><METHOD><url>-<client>` (RedisStore's).
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** KEYS the counters; ARGV[2i-1] how many requests counted on KEYS[i], ARGV[2i] its window in ms. */
const COUNT_BATCH = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local current = redis.call('INCRBY', key, n)
  local ttl
  if current == n then
    redis.call('PEXPIRE', key, window)
    ttl = window
  else
    ttl = redis.call('PTTL', key)
  end
  out[2 * i - 1] = current
  out[2 * i] = ttl
end
return out`;

/** Keys per script call: a burst from many clients must not hold Redis in one long script. */
const MAX_KEYS_PER_CALL = 500;

/** What the plugin's options say about the window (its typings declare the options object empty). */
interface ModeOptions {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
}

interface Pending {
  window: number;
  waiting: Callback[];
}

/**
 * The script's command name. It already carries a whole turn's counts, so the gateway's client keeps it out of
 * auto-pipelining (`autoPipeliningIgnoredCommands`): it then leaves at once instead of waiting behind a pipeline.
 */
export const RATE_LIMIT_COMMAND = 'rateLimitBatch';

type CountingRedis = Redis & { [RATE_LIMIT_COMMAND](...args: (string | number)[]): Promise<number[]> };

/** A store class for `@fastify/rate-limit`'s `store` option, counting in this Redis under `nameSpace`. */
export function batchedRedisStore(redis: Redis, nameSpace: string) {
  if (!(RATE_LIMIT_COMMAND in redis)) redis.defineCommand(RATE_LIMIT_COMMAND, { lua: COUNT_BATCH });
  const counting = redis as CountingRedis;
  let pending: Map<string, Pending> | null = null;

  function count(key: string, window: number, callback: Callback): void {
    if (!pending) {
      pending = new Map();
      setImmediate(flush);
    }
    const entry = pending.get(key);
    if (entry) entry.waiting.push(callback);
    else pending.set(key, { window, waiting: [callback] });
  }

  function flush(): void {
    const batch = [...(pending ?? [])];
    pending = null;
    for (let i = 0; i < batch.length; i += MAX_KEYS_PER_CALL) void send(batch.slice(i, i + MAX_KEYS_PER_CALL));
  }

  async function send(batch: [string, Pending][]): Promise<void> {
    const args = batch.flatMap(([, { waiting, window }]) => [waiting.length, window]);
    let out: number[];
    try {
      // Awaited inside the try: without an offline queue ioredis throws at once when not connected.
      out = await counting[RATE_LIMIT_COMMAND](batch.length, ...batch.map(([key]) => key), ...args);
    } catch (err) {
      for (const [, { waiting }] of batch) for (const callback of waiting) callback(err as Error);
      return;
    }
    batch.forEach(([, { waiting }], i) => {
      answer(waiting, Number(out[2 * i]), Number(out[2 * i + 1]));
    });
  }

  class BatchedRedisStore implements FastifyRateLimitStore {
    constructor(
      options: ModeOptions,
      private readonly prefix = nameSpace,
    ) {
      // RedisStore's other modes re-arm the window on every hit past the limit; the gateway uses neither.
      if (options.continueExceeding || options.exponentialBackoff) {
        throw new Error('batchedRedisStore supports fixed windows only (no continueExceeding, no exponentialBackoff)');
      }
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      count(this.prefix + key, timeWindow, callback);
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // The plugin passes the route's merged limit options, the route itself under `routeInfo` (its typings say
      // otherwise); RedisStore names a route's counters from it the same way.
      const { method, url } = (routeOptions as unknown as { routeInfo: { method: string; url: string } }).routeInfo;
      return new BatchedRedisStore({}, `${this.prefix}${method}${url}-`);
    }
  }
  return BatchedRedisStore satisfies FastifyRateLimitStoreCtor;
}

/** The i-th request of a batch gets the count its own INCR would have returned (see the module's invariant). */
function answer(waiting: Callback[], current: number, ttl: number): void {
  const first = current - waiting.length + 1;
  waiting.forEach((callback, i) => {
    callback(null, { current: first + i, ttl });
  });
}
