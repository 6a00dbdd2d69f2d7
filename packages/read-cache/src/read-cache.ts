/**
 * The read-through Redis cache in front of the MongoDB read models, shared by the query side (the gateway reads
 * through it) and the projection workers (they invalidate what they wrote and publish change notices). It also
 * mirrors each model's active generation and carries the pub/sub traffic the gateway turns into Server-Sent Events.
 *
 * Invariant — no stale write-back: once `invalidate()` for a key has returned, no value loaded from the database
 * before the worker's write can appear under that key. A reader cannot know whether its load ran before or after a
 * concurrent write, so every key has an invalidation counter `<key>#inv`:
 *  - `invalidate()` INCRs the counter and then DELs the key, in one MULTI, after the worker's database write;
 *  - `getOrLoad()` reads the counter in the same round trip as the value (MGET key key#inv), *before* loading, and
 *    stores the loaded value with a Lua script that SETs only if the counter still has the value it read.
 * A load that saw pre-write data started before the write, so before the INCR; its store then either runs after the
 * INCR (counter moved: skipped) or before it (the DEL that follows removes it). The counter expires a day after the
 * last invalidation, so a load would have to outlast that day to slip through. List pages need no counter: their key
 * holds the generation's list revision, which every invalidation bumps, so a late store lands on a retired key.
 *
 * The cache must never make a query fail: if Redis errors, `getOrLoad` answers from the loader (and counts and logs
 * it), and `activeGeneration` answers null so the caller falls back to the control document. Give the gateway a client
 * that fails fast (`enableOfflineQueue: false`, a `commandTimeout`), or a down Redis turns into slow queries instead.
 * Writes meant for others (`invalidate`, `publishChanges`, `setActiveGeneration`) throw: the worker must not commit
 * its offsets as if readers had been told.
 *
 * Keys of one lookup (`key`, `key#inv`) are not hash-tagged: this assumes a single Redis (or a primary with replicas),
 * not Redis Cluster.
 */
import type { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import { isUnknownRevisionKey, type ReadModelName, readModelKeys } from './keys.ts';

export interface ChangeNotice {
  model: ReadModelName;
  generation: number;
  changes: { id: string; version?: number; customerId?: string }[];
}

export interface ControlNotice {
  model: ReadModelName;
  active: number;
}

export interface ReadCacheOptions {
  redis: Redis;
  /** Namespace of every key and channel, e.g. `''` in production or a test namespace's `t_x_ab12:`. */
  prefix: string;
  /** Lifetime of a cached value (default 300 s). */
  ttlSeconds?: number;
  /** Lifetime of a cached "not found" (default 5 s): short, because the document may be created any moment. */
  negativeTtlSeconds?: number;
  logger?: Logger;
}

/** Monotonic per-process counters, for Prometheus (hit ratio = hits / (hits + misses)). */
export interface ReadCacheStats {
  /** Answered from Redis (including cached "not found"). */
  hits: number;
  /** Not in Redis (or Redis unreachable): answered by a load, own or shared. */
  misses: number;
  /** Loader calls. */
  loads: number;
  /** Misses that joined a load already in flight instead of calling the loader. */
  coalesced: number;
  /** Redis errors the cache absorbed instead of failing its caller (reads answered by the loader, lost subscribers). */
  errors: number;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface ReadCache {
  /** `<prefix>rm:<model>:g<generation>:<kind>:<id>` */
  key(model: ReadModelName, generation: number, kind: string, id: string): string;
  /** `<prefix>rm:<model>:g<generation>:r<revision>:<kind>:<sha1(params)>`, with the generation's current revision. */
  listKey(model: ReadModelName, generation: number, kind: string, params: string): Promise<string>;
  /** The cached value, or the loader's (cached for next time); `null` means "not found" and is cached briefly too. */
  getOrLoad<T>(key: string, load: () => Promise<T | null>, opts?: { ttlSeconds?: number }): Promise<T | null>;
  /** For workers, after their database writes: drop these documents' keys and retire the generation's list pages. */
  invalidate(model: ReadModelName, generation: number, ids: { kind: string; id: string }[]): Promise<void>;
  publishChanges(model: ReadModelName, notice: ChangeNotice): Promise<void>;
  subscribeChanges(models: ReadModelName[], handler: (notice: ChangeNotice) => void): Promise<Subscription>;
  /** The active generation mirrored in Redis; null when absent or Redis is unreachable (ask the control document). */
  activeGeneration(model: ReadModelName): Promise<number | null>;
  setActiveGeneration(model: ReadModelName, generation: number): Promise<void>;
  subscribeControl(handler: (notice: ControlNotice) => void): Promise<Subscription>;
  stats(): ReadCacheStats;
}

const INVALIDATION_COUNTER_TTL_SECONDS = 24 * 60 * 60;
/** With Redis down every query fails over; one warning per interval says so without flooding the logs. */
const WARN_INTERVAL_MS = 10_000;

/** KEYS[1] value key, KEYS[2] its invalidation counter; ARGV[1] counter seen before loading, ARGV[2] JSON, ARGV[3] TTL. */
const STORE_IF_NOT_INVALIDATED = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

export function createReadCache(o: ReadCacheOptions): ReadCache {
  const { redis, prefix } = o;
  const ttlSeconds = o.ttlSeconds ?? 300;
  const negativeTtlSeconds = o.negativeTtlSeconds ?? 5;
  const logger = (o.logger ?? pino({ name: 'read-cache' })).child({ component: 'read-cache' });
  const keys = readModelKeys(prefix);
  const counters: ReadCacheStats = { hits: 0, misses: 0, loads: 0, coalesced: 0, errors: 0 };
  /** Loads in flight, by key and the invalidation counter their callers saw (see `loadShared`). */
  const inFlight = new Map<string, Promise<unknown>>();
  let storeSha: string | undefined;
  let lastWarnAt = 0;
  let suppressedWarnings = 0;

  function absorb(op: string, key: string, err: unknown): void {
    counters.errors++;
    const now = Date.now();
    if (now - lastWarnAt < WARN_INTERVAL_MS) {
      suppressedWarnings++;
      return;
    }
    logger.warn({ err, op, key, suppressedWarnings }, 'Redis unavailable; answering without the cache');
    lastWarnAt = now;
    suppressedWarnings = 0;
  }

  async function storeIfNotInvalidated(key: string, seen: number, value: unknown, ttl: number): Promise<void> {
    const args = [2, key, keys.invalidations(key), seen, JSON.stringify(value), ttl] as const;
    try {
      if (storeSha) {
        try {
          await redis.evalsha(storeSha, ...args);
          return;
        } catch (err) {
          if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
        }
      }
      // Loaded once; later stores send only its SHA (and load it again if Redis restarted and forgot it).
      storeSha = (await redis.script('LOAD', STORE_IF_NOT_INVALIDATED)) as string;
      await redis.evalsha(storeSha, ...args);
    } catch (err) {
      absorb('store', key, err);
    }
  }

  /**
   * Single-flight: concurrent misses share one loader call. A caller joins only a load whose callers saw the same
   * invalidation counter: one that saw a newer counter started after an invalidation and must not be handed a value
   * loaded before it. `seen` is null when Redis could not be read; such a load is returned but never stored.
   */
  function loadShared<T>(key: string, seen: number | null, load: () => Promise<T | null>, ttl: number) {
    const flightKey = `${key}\n${seen ?? '-'}`;
    const running = inFlight.get(flightKey);
    if (running) {
      counters.coalesced++;
      return running as Promise<T | null>;
    }
    const flight = (async () => {
      counters.loads++;
      // `undefined` would not survive JSON; a loader that found nothing means "not found".
      const value = (await load()) ?? null;
      if (seen !== null) await storeIfNotInvalidated(key, seen, value, value === null ? negativeTtlSeconds : ttl);
      return value;
    })().finally(() => inFlight.delete(flightKey));
    inFlight.set(flightKey, flight);
    return flight;
  }

  async function listen(channels: string[], onMessage: (channel: string, payload: unknown) => void) {
    // A connection in subscriber mode can run no other command, hence its own; connected explicitly so a client
    // without an offline queue does not reject SUBSCRIBE while the new connection is still opening.
    const sub = redis.duplicate({ lazyConnect: true });
    sub.on('error', (err) => absorb('subscribe', channels.join(','), err));
    sub.on('message', (channel: string, message: string) => {
      let payload: unknown;
      try {
        payload = JSON.parse(message);
      } catch (err) {
        logger.warn({ err, channel, message }, 'ignoring a malformed notice');
        return;
      }
      try {
        onMessage(channel, payload);
      } catch (err) {
        logger.error({ err, channel }, 'notice handler threw');
      }
    });
    try {
      await sub.connect();
      await sub.subscribe(...channels);
    } catch (err) {
      sub.disconnect();
      throw err;
    }
    return {
      async close() {
        await sub.quit().catch(() => sub.disconnect());
      },
    };
  }

  return {
    key: keys.item,

    async listKey(model, generation, kind, params) {
      let revision: number | null = null;
      try {
        revision = Number((await redis.get(keys.revision(model, generation))) ?? 0);
      } catch (err) {
        absorb('listKey', keys.revision(model, generation), err);
      }
      return keys.list(model, generation, revision, kind, params);
    },

    async getOrLoad<T>(key: string, load: () => Promise<T | null>, opts?: { ttlSeconds?: number }) {
      let seen: number | null = null;
      if (!isUnknownRevisionKey(key)) {
        try {
          const [raw, invalidations] = await redis.mget(key, keys.invalidations(key));
          if (raw != null) {
            const value = JSON.parse(raw) as T | null; // "null" is a cached "not found", a missing key is a miss
            counters.hits++;
            return value;
          }
          seen = Number(invalidations ?? 0);
        } catch (err) {
          absorb('get', key, err);
        }
      }
      counters.misses++;
      return loadShared(key, seen, load, opts?.ttlSeconds ?? ttlSeconds);
    },

    async invalidate(model, generation, ids) {
      if (ids.length === 0) return;
      // INCR before DEL (and both in one MULTI): a store between a DEL and an INCR would pass the counter check.
      const tx = redis.multi();
      for (const { kind, id } of ids) {
        const key = keys.item(model, generation, kind, id);
        const counter = keys.invalidations(key);
        tx.incr(counter).expire(counter, INVALIDATION_COUNTER_TTL_SECONDS).del(key);
      }
      // The revision key has no TTL: if it expired and restarted at 0, retired pages with old revisions could return.
      tx.incr(keys.revision(model, generation));
      throwOnFailure(await tx.exec(), `invalidate ${model} g${generation}`);
    },

    async publishChanges(model, notice) {
      if (notice.model !== model) throw new Error(`publishChanges(${model}) given a notice for ${notice.model}`);
      await redis.publish(keys.changesChannel(model), JSON.stringify(notice));
    },

    async subscribeChanges(models, handler) {
      return listen(
        models.map((m) => keys.changesChannel(m)),
        (channel, payload) => {
          if (isChangeNotice(payload)) handler(payload);
          else logger.warn({ channel, payload }, 'ignoring a change notice of unknown shape');
        },
      );
    },

    async activeGeneration(model) {
      let raw: string | null;
      try {
        raw = await redis.get(keys.active(model));
      } catch (err) {
        absorb('activeGeneration', keys.active(model), err);
        return null;
      }
      if (raw === null) return null;
      if (!/^\d+$/.test(raw)) {
        logger.warn({ model, raw }, 'active generation in Redis is not a number; ignoring it');
        return null;
      }
      return Number(raw);
    },

    async setActiveGeneration(model, generation) {
      if (!Number.isSafeInteger(generation) || generation < 0) throw new Error(`invalid generation ${generation}`);
      const notice: ControlNotice = { model, active: generation };
      // One MULTI: a subscriber that reacts to the notice with a GET already sees the new value.
      const tx = redis.multi().set(keys.active(model), String(generation));
      tx.publish(keys.controlChannel(), JSON.stringify(notice));
      throwOnFailure(await tx.exec(), `setActiveGeneration ${model} g${generation}`);
    },

    async subscribeControl(handler) {
      return listen([keys.controlChannel()], (channel, payload) => {
        if (isControlNotice(payload)) handler(payload);
        else logger.warn({ channel, payload }, 'ignoring a control notice of unknown shape');
      });
    },

    stats: () => ({ ...counters }),
  };
}

function throwOnFailure(results: [Error | null, unknown][] | null, what: string): void {
  if (results === null) throw new Error(`${what}: Redis transaction was discarded`);
  const failed = results.find(([err]) => err !== null);
  if (failed) throw new Error(`${what}: ${failed[0]!.message}`, { cause: failed[0] });
}

function isChangeNotice(x: unknown): x is ChangeNotice {
  const n = x as ChangeNotice;
  return (
    typeof n === 'object' &&
    n !== null &&
    typeof n.model === 'string' &&
    typeof n.generation === 'number' &&
    Array.isArray(n.changes) &&
    n.changes.every((c) => typeof c === 'object' && c !== null && typeof c.id === 'string')
  );
}

function isControlNotice(x: unknown): x is ControlNotice {
  const n = x as ControlNotice;
  return typeof n === 'object' && n !== null && typeof n.model === 'string' && Number.isSafeInteger(n.active);
}
