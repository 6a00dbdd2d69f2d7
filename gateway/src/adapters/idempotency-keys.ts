/**
 * Binds a caller's Idempotency-Key to the first request it came with, in Redis, for commands whose aggregate id does
 * not derive from the key (back-office commands address an existing product, SKU or order). Their command id derives
 * from (caller, key, fingerprint of the request), so a retry is the same command and the runtime answers it with its
 * original reply; what the command id alone cannot tell is "this key, another body", which would silently become a
 * second command. The binding turns that into 422 `idempotency_key_reused`, as Stripe does.
 *
 * POST /api/orders needs no binding: its order id derives from the key, and the Order decider refuses a second
 * command for an existing order (order-placement.ts).
 *
 * A binding lives 24 hours (Stripe's window): long enough for any client's retries; past it the key is free again.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyKeys {
  /** True when the key is new for this caller (now bound to `fingerprint`) or already bound to the same one. */
  bind(callerId: string, key: string, fingerprint: string): Promise<boolean>;
}

export function createIdempotencyKeys(options: { redis: Redis; prefix: string }): IdempotencyKeys {
  const { redis, prefix } = options;
  return {
    async bind(callerId, key, fingerprint) {
      // Hashed: keys are client text, and a Redis key made of it should not be.
      const id = `${prefix}idempotency:${createHash('sha256').update(`${callerId}\u001f${key}`).digest('base64url')}`;
      const set = await redis.set(id, fingerprint, 'EX', IDEMPOTENCY_KEY_TTL_SECONDS, 'NX');
      if (set === 'OK') return true;
      return (await redis.get(id)) === fingerprint;
    },
  };
}

/** JSON with object keys sorted at every depth: the same request in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A digest of what a request asks for (route, path parameters, validated body), independent of key order. */
export function requestFingerprint(request: { method: string; route: string; params: unknown; body: unknown }): string {
  const canonical = canonicalJson([request.method, request.route, request.params ?? null, request.body ?? null]);
  return createHash('sha256').update(canonical).digest('base64url');
}
