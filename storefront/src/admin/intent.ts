/**
 * One Idempotency-Key per admin intent. An intent is one thing the admin asked for: this command on this target
 * with this body. Retrying it (after a timeout, a network error, a 5xx, or a double click) sends the same key, so the
 * gateway answers with the first outcome instead of acting twice; anything else (another body, another target) is a
 * new intent with a fresh key. Once the intent has a definite answer (accepted, or refused with a 4xx) it is settled,
 * so asking the same thing again later (receive another 10 units with the same delivery note) is a new intent.
 */
import { ApiError } from '../api/client.ts';

/** The same JSON whatever order the object's keys were written in (the intent's identity, not its spelling). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function intentSignature(method: string, path: string, body: unknown): string {
  return `${method} ${path} ${canonicalJson(body ?? null)}`;
}

export interface IntentKeys {
  /** The key for this intent: the pending one when it is the same intent, else a fresh one. */
  keyFor(signature: string): string;
  /** The intent got its definite answer: the next request, even an identical one, is a new intent. */
  settle(signature: string): void;
}

export function intentKeys(newKey: () => string): IntentKeys {
  let pending: { signature: string; key: string } | undefined;
  return {
    keyFor(signature) {
      if (pending?.signature !== signature) pending = { signature, key: newKey() };
      return pending.key;
    },
    settle(signature) {
      if (pending?.signature === signature) pending = undefined;
    },
  };
}

/**
 * Whether an error is the intent's definite answer (a 4xx refusal: invalid, rejected, not found). A timeout (408),
 * a rate limit (429), a 5xx or a network error says nothing about whether the command ran: retry with the same key.
 */
export function settlesIntent(e: unknown): boolean {
  return e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
}
