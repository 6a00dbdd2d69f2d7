/**
 * The Redis names of the read side, in one place: cache keys, the list revision, the active-generation mirror and the
 * pub/sub channels (docs/read-models.md, "Cache keys and change notices"). Projection workers, the gateway and the
 * operator CLI must agree on these byte for byte, so nothing else builds them by hand.
 */
import { createHash } from 'node:crypto';

export type ReadModelName = 'products' | 'orders' | 'inventory' | 'sales' | 'users' | 'invoices' | 'notifications';

export const READ_MODEL_NAMES: readonly ReadModelName[] = [
  'products',
  'orders',
  'inventory',
  'sales',
  'users',
  'invoices',
  'notifications',
];

/**
 * Marks a list key whose revision could not be read (Redis unreachable). The cache neither reads nor writes such a
 * key: a page cached under a made-up revision could be served after the real revision has moved on.
 */
export const UNKNOWN_REVISION = 'r?';

export function readModelKeys(prefix: string) {
  const base = (model: ReadModelName) => `${prefix}rm:${model}`;
  return {
    /** A document (or any value addressed by id) of one generation: `<prefix>rm:<model>:g<N>:<kind>:<id>`. */
    item: (model: ReadModelName, generation: number, kind: string, id: string) =>
      `${base(model)}:g${generation}:${kind}:${id}`,
    /**
     * A list page: the generation's list revision is part of the key, so bumping the revision retires every cached
     * page of that generation at once (no SCAN, no per-page bookkeeping). The parameters are hashed because they are
     * arbitrary (filters, sort, cursor) and only need to be distinct.
     */
    list: (model: ReadModelName, generation: number, revision: number | null, kind: string, params: string) =>
      `${base(model)}:g${generation}:${revision === null ? UNKNOWN_REVISION : `r${revision}`}:${kind}:${sha1(params)}`,
    /** The generation's list revision counter, INCRed by every invalidation. */
    revision: (model: ReadModelName, generation: number) => `${base(model)}:g${generation}:rev`,
    /** The per-key invalidation counter guarding against stale write-backs (see read-cache.ts). */
    invalidations: (key: string) => `${key}#inv`,
    /** Mirror of the active generation (decimal string); the control document in MongoDB is the source of truth. */
    active: (model: ReadModelName) => `${base(model)}:active`,
    changesChannel: (model: ReadModelName) => `${base(model)}:changes`,
    controlChannel: () => `${prefix}rm:control`,
  };
}

export function isUnknownRevisionKey(key: string): boolean {
  return key.includes(`:${UNKNOWN_REVISION}:`);
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
