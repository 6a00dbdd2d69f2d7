/**
 * One Idempotency-Key per checkout attempt. The key is created when the shopper starts checking out a given cart and
 * kept (in sessionStorage, so a reload or a retry after a network error reuses it) until the order is placed: the
 * gateway answers the same key with the same order, so a double click or a retried request never buys twice. A
 * different cart is a different attempt and gets a new key.
 */

export interface CheckoutAttempt {
  key: string;
  cartSignature: string;
}

export const ATTEMPT_STORAGE_KEY = 'streamshop.checkout-attempt.v1';

/** The attempt to use for `cartSignature`: the stored one when it is for the same cart, else a fresh one. */
export function resolveAttempt(
  stored: string | null,
  cartSignature: string,
  newKey: () => string,
): { attempt: CheckoutAttempt; fresh: boolean } {
  if (stored) {
    try {
      const parsed = JSON.parse(stored) as Partial<CheckoutAttempt>;
      if (
        typeof parsed.key === 'string' &&
        parsed.key.length >= 8 &&
        parsed.key.length <= 128 &&
        parsed.cartSignature === cartSignature
      ) {
        return { attempt: { key: parsed.key, cartSignature }, fresh: false };
      }
    } catch {
      /* unreadable: start a new attempt */
    }
  }
  return { attempt: { key: newKey(), cartSignature }, fresh: true };
}

/**
 * A random key for a new attempt. crypto.randomUUID exists only in secure contexts (https, localhost); a shop opened
 * over plain http on a LAN address still gets a 128-bit random key from getRandomValues.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
