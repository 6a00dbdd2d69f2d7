/**
 * The admin forms' validation, before anything is sent: each form's model is what its inputs hold (strings), and
 * each validator answers either the request body (money in integer minor units, never floats) or a message per
 * field. The gateway validates again and decides; its problem's per-field `errors` map back onto the same fields
 * (fieldErrorsFromProblem), so a refusal shows where the admin typed.
 */

import type {
  AdjustStockBody,
  ChangePriceBody,
  CreateProductBody,
  ReceiveStockBody,
  RefundBody,
  ShipOrderBody,
  ThresholdBody,
  UpdateProductDetailsBody,
} from '../api/admin-types.ts';
import { isApiError } from '../api/client.ts';
import type { Money } from '../api/types.ts';
import { formatMoney, parseMajorAmount } from '../money/money.ts';

export type FieldErrors<F> = Partial<Record<keyof F & string, string>>;
export type Validated<F, B> = { ok: true; body: B } | { ok: false; errors: FieldErrors<F> };

const done = <F, B>(errors: FieldErrors<F>, body: () => B): Validated<F, B> =>
  Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body: body() };

/** Upper-case letters, digits and dashes, as the catalog's SKUs are (COF-HUIL-250); the CSV import's rule too. */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,63}$/;
/** A lower-case slug (coffee, outdoor-gear), as the catalog's categories are. */
export const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9-]{0,59}$/;

function requiredText(value: string, label: string, max: number): string | undefined {
  const v = value.trim();
  if (!v) return `${label} is required`;
  if (v.length > max) return `${label} is at most ${max} characters`;
  return undefined;
}

/** A price typed in major units ("12.50", "12,5") → minor units; a message when it is not a positive amount. */
function price(input: string, currency: string): { amount?: number; error?: string } {
  if (!input.trim()) return { error: 'Price is required' };
  const amount = parseMajorAmount(input, currency);
  if (amount === undefined) return { error: 'Price must be a number such as 12.50' };
  if (amount <= 0) return { error: 'Price must be more than zero' };
  return { amount };
}

/** An absolute http(s) URL, as the catalog keeps them; empty means "no image". */
function imageUrlError(input: string): string | undefined {
  const v = input.trim();
  if (!v) return undefined;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'Image URL must start with https://';
  } catch {
    return 'Image URL must be a full address, e.g. https://example.com/mug.jpg';
  }
}

// ---- products ----

export interface ProductForm {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: string;
  imageUrl: string;
}

export const emptyProductForm: ProductForm = {
  sku: '',
  name: '',
  description: '',
  category: '',
  price: '',
  imageUrl: '',
};

/** `keptImageUrl`: the product's current image, accepted as it is (the demo catalog's are paths on the shop). */
function detailErrors(f: ProductForm, keptImageUrl?: string | null): FieldErrors<ProductForm> {
  const errors: FieldErrors<ProductForm> = {};
  const name = requiredText(f.name, 'Name', 200);
  if (name) errors.name = name;
  if (f.description.trim().length > 5000) errors.description = 'Description is at most 5000 characters';
  const category = requiredText(f.category, 'Category', 60);
  if (category) errors.category = category;
  else if (!CATEGORY_PATTERN.test(f.category.trim().toLowerCase()))
    errors.category = 'Category is lower-case letters, digits and dashes, e.g. coffee or outdoor-gear';
  const image = f.imageUrl.trim() === (keptImageUrl ?? undefined) ? undefined : imageUrlError(f.imageUrl);
  if (image) errors.imageUrl = image;
  return errors;
}

const details = (f: ProductForm) => ({
  name: f.name.trim(),
  description: f.description.trim(),
  category: f.category.trim().toLowerCase(),
  imageUrl: f.imageUrl.trim() || null,
});

export function validateNewProduct(f: ProductForm, currency: string): Validated<ProductForm, CreateProductBody> {
  const errors = detailErrors(f);
  const sku = f.sku.trim().toUpperCase();
  if (!sku) errors.sku = 'SKU is required';
  else if (!SKU_PATTERN.test(sku)) errors.sku = 'SKU is up to 64 letters, digits and dashes, e.g. COF-HUIL-250';
  const p = price(f.price, currency);
  if (p.error) errors.price = p.error;
  return done(errors, () => ({ sku, ...details(f), price: { amount: p.amount as number, currency } }));
}

/** Only what changed is sent, so an edit that changes nothing is caught here rather than sent. */
export function validateProductDetails(
  f: ProductForm,
  current: Pick<CreateProductBody, 'name' | 'description' | 'category' | 'imageUrl'>,
): Validated<ProductForm, UpdateProductDetailsBody> {
  const errors = detailErrors(f, current.imageUrl);
  const next = details(f);
  const changed = Object.fromEntries(
    (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== current[k]).map((k) => [k, next[k]]),
  ) as UpdateProductDetailsBody;
  if (Object.keys(errors).length === 0 && Object.keys(changed).length === 0) errors.name = 'Nothing has changed';
  return done(errors, () => changed);
}

export function validatePrice(input: string, current: Money): Validated<{ price: string }, ChangePriceBody> {
  const p = price(input, current.currency);
  const errors: FieldErrors<{ price: string }> = {};
  if (p.error) errors.price = p.error;
  else if (p.amount === current.amount) errors.price = 'That is the current price';
  return done(errors, () => ({ price: { amount: p.amount as number, currency: current.currency } }));
}

// ---- stock ----

const WHOLE = /^\d+$/;
const SIGNED_WHOLE = /^[+-]?\d+$/;

export interface ReceiveForm {
  quantity: string;
  reference: string;
}

export function validateReceive(f: ReceiveForm): Validated<ReceiveForm, ReceiveStockBody> {
  const errors: FieldErrors<ReceiveForm> = {};
  const q = f.quantity.trim();
  if (!WHOLE.test(q) || Number(q) < 1) errors.quantity = 'Quantity must be a whole number of at least 1';
  else if (Number(q) > 100_000) errors.quantity = 'Quantity is at most 100000 per delivery';
  const reference = requiredText(f.reference, 'Reference', 200);
  if (reference) errors.reference = `${reference} (a delivery note or purchase order number)`;
  return done(errors, () => ({ quantity: Number(q), reference: f.reference.trim() }));
}

export interface AdjustForm {
  mode: 'delta' | 'count';
  value: string;
  reason: string;
}

/**
 * A correction is a delta (+3 found, -2 broken) or a count (what is on the shelf). It may never leave fewer units
 * than are reserved for orders; with the level at hand that is checked here too (the Stock decider has the last word).
 */
export function validateAdjust(
  f: AdjustForm,
  level?: { onHand: number; reserved: number },
): Validated<AdjustForm, AdjustStockBody> {
  const errors: FieldErrors<AdjustForm> = {};
  const v = f.value.trim();
  let result: number | undefined;
  if (f.mode === 'delta') {
    if (!SIGNED_WHOLE.test(v) || Number(v) === 0) errors.value = 'Enter a whole number other than 0, e.g. -2 or 5';
    else if (level) result = level.onHand + Number(v);
  } else if (!WHOLE.test(v)) errors.value = 'Enter the counted units on hand, a whole number';
  else result = Number(v);
  if (!errors.value && result !== undefined && level && result < level.reserved)
    errors.value = `That leaves ${result} on hand, fewer than the ${level.reserved} reserved for orders`;
  const reason = requiredText(f.reason, 'Reason', 200);
  if (reason) errors.reason = reason;
  return done(errors, () =>
    f.mode === 'delta'
      ? { quantity: Number(v), reason: f.reason.trim() }
      : { newOnHand: Number(v), reason: f.reason.trim() },
  );
}

export function validateThreshold(input: string): Validated<{ threshold: string }, ThresholdBody> {
  const v = input.trim();
  const errors: FieldErrors<{ threshold: string }> = {};
  if (!WHOLE.test(v)) errors.threshold = 'Threshold must be a whole number (0 turns the alert off)';
  else if (Number(v) > 100_000) errors.threshold = 'Threshold is at most 100000';
  return done(errors, () => ({ threshold: Number(v) }));
}

// ---- fulfilment ----

export interface ShipForm {
  carrier: string;
  trackingNumber: string;
}

export function validateShip(f: ShipForm): Validated<ShipForm, ShipOrderBody> {
  const errors: FieldErrors<ShipForm> = {};
  const carrier = requiredText(f.carrier, 'Carrier', 100);
  if (carrier) errors.carrier = carrier;
  const tracking = requiredText(f.trackingNumber, 'Tracking number', 100);
  if (tracking) errors.trackingNumber = tracking;
  else if (!/^[A-Za-z0-9 ._/-]+$/.test(f.trackingNumber.trim()))
    errors.trackingNumber = 'Tracking number is letters, digits, spaces, dots, dashes or slashes';
  return done(errors, () => ({ carrier: f.carrier.trim(), trackingNumber: f.trackingNumber.trim() }));
}

export interface RefundForm {
  mode: 'amount' | 'lines';
  amount: string;
  /** Units to refund per order line number (as typed). */
  lines: Record<number, string>;
  restock: boolean;
  reason: string;
}

export interface RefundableLine {
  line: number;
  sku: string;
  quantity: number;
  unitPrice: Money;
}

/**
 * A refund is an amount or some units of some lines (restocked or not), never more than is left to refund
 * (`refundable`: captured minus already refunded). Lines are refunded at their unit price.
 */
export function validateRefund(
  f: RefundForm,
  orderLines: readonly RefundableLine[],
  refundable: Money,
): Validated<RefundForm, RefundBody> {
  const errors: FieldErrors<RefundForm> = {};
  const reason = requiredText(f.reason, 'Reason', 200);
  if (reason) errors.reason = reason;
  let amount = 0;
  const lines: { line: number; quantity: number }[] = [];
  if (f.mode === 'amount') {
    const p = price(f.amount, refundable.currency);
    if (p.error) errors.amount = p.error.replace('Price', 'Amount');
    else amount = p.amount as number;
  } else {
    for (const l of orderLines) {
      const typed = (f.lines[l.line] ?? '').trim();
      if (!typed || typed === '0') continue;
      if (!WHOLE.test(typed) || Number(typed) > l.quantity) {
        errors.lines = `Line ${l.line} (${l.sku}): refund between 0 and ${l.quantity} units`;
        break;
      }
      lines.push({ line: l.line, quantity: Number(typed) });
      amount += l.unitPrice.amount * Number(typed);
    }
    if (!errors.lines && lines.length === 0) errors.lines = 'Choose at least one unit to refund';
  }
  if (!errors.amount && !errors.lines && amount > refundable.amount) {
    const key = f.mode === 'amount' ? 'amount' : 'lines';
    errors[key] = `At most ${formatMoney(refundable, 'en-IE')} is left to refund`;
  }
  return done(errors, () =>
    f.mode === 'amount'
      ? { amount: { amount, currency: refundable.currency }, reason: f.reason.trim() }
      : { lines, restock: f.restock, reason: f.reason.trim() },
  );
}

/**
 * The gateway's per-field problems (`body.price.amount`, `body.lines[0].quantity`) as this form's field errors:
 * the first path segment after `body` names the field; anything that names no field of the form is left to the
 * problem's `detail`, which is always shown.
 */
export function fieldErrorsFromProblem<F>(e: unknown, fields: readonly (keyof F & string)[]): FieldErrors<F> {
  if (!isApiError(e) || !e.problem?.errors) return {};
  const out: FieldErrors<F> = {};
  for (const { path, message } of e.problem.errors) {
    const m = /^body\.([A-Za-z0-9_]+)/.exec(path);
    const field = m?.[1] as (keyof F & string) | undefined;
    if (field && fields.includes(field) && !out[field]) out[field] = message;
  }
  return out;
}
