/**
 * The active generation of each read model, held in this process so a query does not spend a Redis round trip on
 * it (the gateway asks on every request; docs/performance.md, "Gateway"). Kept current by the control notices a
 * switch publishes: `setActiveGeneration` SETs the mirror and PUBLISHes `{ model, active }` in one MULTI, so the
 * notice reaches a subscribed process about as soon as the new value is readable.
 *
 * Invariants:
 *  - a generation read from Redis is trusted for at most `maxAgeMs`: pub/sub is at most once (a notice published
 *    while the subscriber reconnects is lost, and a mirror set without a notice, e.g. by hand, announces nothing), so
 *    the age bounds how late a switch can be seen when its notice never arrives;
 *  - a read that was sent before a notice arrived is not kept: its answer may predate the switch, and keeping it
 *    would undo the notice's newer generation;
 *  - "absent" and "Redis unreachable" (null) are never kept: the caller then asks the control document, as before;
 *  - before `start()` and after `stop()` every call reads the mirror, as `ReadCache.activeGeneration` does.
 */

import type { ReadModelName } from './keys.ts';
import type { ControlNotice, ReadCache, Subscription } from './read-cache.ts';

export interface ActiveGenerations {
  /** As `ReadCache.activeGeneration`: the mirrored generation, or null when absent or Redis is unreachable. */
  get(model: ReadModelName): Promise<number | null>;
  /** Subscribes to the control notices; from then on answers come from memory while fresh. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ActiveGenerationsOptions {
  /** How long a generation read from Redis is trusted without a notice (default 1,000 ms). */
  maxAgeMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export const DEFAULT_ACTIVE_GENERATION_MAX_AGE_MS = 1_000;

export function followActiveGenerations(
  cache: Pick<ReadCache, 'activeGeneration' | 'subscribeControl'>,
  options: ActiveGenerationsOptions = {},
): ActiveGenerations {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_ACTIVE_GENERATION_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  const known = new Map<ReadModelName, { generation: number; at: number }>();
  /** Bumped by every notice; a read that saw another value of it was overtaken by a switch (see the invariants). */
  let notices = 0;
  let subscription: Subscription | undefined;

  function onNotice(notice: ControlNotice): void {
    notices++;
    known.set(notice.model, { generation: notice.active, at: now() });
  }

  async function readMirror(model: ReadModelName): Promise<number | null> {
    const seen = notices;
    const generation = await cache.activeGeneration(model);
    if (subscription && generation !== null && notices === seen) known.set(model, { generation, at: now() });
    return generation;
  }

  return {
    async get(model) {
      const entry = known.get(model);
      if (subscription && entry && now() - entry.at < maxAgeMs) return entry.generation;
      return readMirror(model);
    },
    async start() {
      if (subscription) return;
      subscription = await cache.subscribeControl(onNotice);
    },
    async stop() {
      const closing = subscription;
      subscription = undefined;
      known.clear();
      await closing?.close();
    },
  };
}
