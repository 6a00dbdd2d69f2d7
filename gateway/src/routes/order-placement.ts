/**
 * What POST /api/orders decides before it sends PlaceOrder, apart from pricing: the lines merged per SKU and capped,
 * the customer's open unpaid orders capped (so one account cannot hold the stock for the payment window), and the
 * request's fingerprint that binds an Idempotency-Key to the body it was first used with.
 *
 * The binding lives in the command id, not in gateway memory or Redis: the order id derives from (customer, key) and
 * the command id from (customer, key, fingerprint). The order runtime answers a repeated command id with its original
 * reply (after a restart too: it rebuilds its dedupe memory from the events topic), and the Order decider rejects
 * another command id for an order that exists as `order_already_exists`, which the route answers as
 * `idempotency_key_reused`. The fingerprint is of what the client sent, not of the priced lines: a price change
 * between a request and its retry must not turn the retry into "another request".
 *
 * The order also records how to reach the shopper (`contactFor`): e-mails and invoices are addressed from the event
 * stream, never from a lookup a rebuild could not repeat. It comes from the session and the request's headers, not
 * the body, so it is outside the fingerprint: a retry from a browser with another language is the same order.
 */
import { createHash } from 'node:crypto';
import type { Queries } from '@streamshop/projections/queries';
import type { Contact } from '@streamshop/schemas/types';
import type { Principal } from '../auth/token-verifier.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import type { PlaceOrderBody } from '../schemas/orders.ts';

export interface MergedLine {
  sku: string;
  quantity: number;
  /** Where the SKU's lines are in the request body, for problems that point at them. */
  indices: number[];
}

/** One line per SKU, quantities summed, in the order each SKU first appears. */
export function mergeLines(lines: readonly { sku: string; quantity: number }[]): MergedLine[] {
  const bySku = new Map<string, MergedLine>();
  lines.forEach(({ sku, quantity }, i) => {
    const merged = bySku.get(sku);
    if (merged) {
      merged.quantity += quantity;
      merged.indices.push(i);
    } else {
      bySku.set(sku, { sku, quantity, indices: [i] });
    }
  });
  return [...bySku.values()];
}

/** 422 `quantity_limit_exceeded` naming every line of each SKU asked for more than `maxUnitsPerSku` units in all. */
export function requireUnitsPerSkuWithin(merged: readonly MergedLine[], maxUnitsPerSku: number): void {
  const over = merged.filter((l) => l.quantity > maxUnitsPerSku);
  if (over.length === 0) return;
  const asked = over.map((l) => `${l.quantity} × ${l.sku}`).join(', ');
  throw new HttpProblem(
    422,
    'quantity_limit_exceeded',
    `at most ${maxUnitsPerSku} units of a product per order: ${asked}`,
    {
      errors: over.flatMap((l) =>
        l.indices.map((i) => ({
          path: `body.lines[${i}].quantity`,
          message: `${l.quantity} units of ${l.sku} in this order; at most ${maxUnitsPerSku}`,
        })),
      ),
    },
  );
}

/**
 * 409 `too_many_unpaid_orders` when the customer already has `max` orders neither paid nor cancelled, unless this
 * request is a retry of an order that exists (its answer is the decider's, like any retry). Counted on the orders
 * read model, so a burst of orders faster than the projection can pass the cap by a few; the cap bounds what one
 * account holds, it is not a lock.
 */
export async function requireOpenUnpaidBelow(
  queries: Queries,
  customerId: string,
  orderId: string,
  max: number,
): Promise<void> {
  const open = await queries.orders.openUnpaidIds(customerId, max + 1);
  if (open.length < max || open.includes(orderId)) return;
  if (await queries.orders.byId(orderId)) return;
  throw new HttpProblem(
    409,
    'too_many_unpaid_orders',
    `you have ${open.length} orders waiting for payment (at most ${max} at once): pay or cancel one of them, ` +
      'or wait for an unpaid one to lapse, then place this order again',
  );
}

/** A digest of the request as the client sent it (after schema validation), in a fixed field order. */
export function placeOrderFingerprint(body: PlaceOrderBody): string {
  const { lines, shippingAddress: a, paymentProvider } = body;
  const canonical = [
    lines.map((l) => [l.sku, l.quantity]),
    [a.name, a.line1, a.line2 ?? null, a.postalCode, a.city, a.region ?? null, a.country],
    paymentProvider,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** Longer tags are legal BCP 47 but no browser sends one; refusing them bounds what a header can put on the stream. */
const MAX_LOCALE_LENGTH = 35;

/**
 * The first well-formed BCP 47 tag of an Accept-Language header, canonicalised (`en-gb` → `en-GB`), or null: ranges
 * are taken in the header's order (browsers list them by preference), skipping `*`, ranges refused with `q=0`, and
 * anything `Intl` does not accept as a locale, so what reaches the stream is a tag every formatter takes.
 */
export function localeFromAcceptLanguage(header: string | undefined): string | null {
  if (!header) return null;
  for (const range of header.split(',')) {
    const [tag = '', ...params] = range.split(';').map((p) => p.trim());
    if (tag === '' || tag === '*' || tag.length > MAX_LOCALE_LENGTH) continue;
    if (params.some((p) => /^q\s*=\s*0(\.0{0,3})?$/i.test(p))) continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      // Not a well-formed tag (RangeError): try the next range.
    }
  }
  return null;
}

/** How to reach the shopper about this order: the session's e-mail and name, the browser's locale; null without e-mail. */
export function contactFor(
  principal: Pick<Principal, 'email' | 'name'>,
  acceptLanguage: string | undefined,
): Contact | null {
  if (!principal.email) return null;
  return { email: principal.email, name: principal.name ?? null, locale: localeFromAcceptLanguage(acceptLanguage) };
}
