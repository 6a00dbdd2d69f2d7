/**
 * Money as the API carries it (integer minor units and an ISO 4217 currency) and its display. Amounts are never
 * floats here: arithmetic stays in minor units and only the formatter divides, using the currency's own number of
 * fraction digits (EUR 2, JPY 0, …) as Intl reports them.
 */
import type { Money } from '../api/types.ts';

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, f);
  }
  return f;
}

/** The number of minor units in one major unit of `currency` (100 for EUR, 1 for JPY). */
export function minorUnitsPerMajor(currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  return 10 ** (digits ?? 2);
}

/** "€12.50" (or "12,50 €" in a German locale) for `{ amount: 1250, currency: 'EUR' }`. */
export function formatMoney(money: Money, locale?: string): string {
  return formatter(money.currency, locale).format(money.amount / minorUnitsPerMajor(money.currency));
}

/** Multiplies a unit price by a quantity, staying in integer minor units. */
export function times(money: Money, quantity: number): Money {
  return { amount: money.amount * quantity, currency: money.currency };
}

/** Sums amounts of one currency; `undefined` for an empty list, an error for mixed currencies (a bug upstream). */
export function sum(amounts: readonly Money[]): Money | undefined {
  const [first] = amounts;
  if (!first) return undefined;
  let total = 0;
  for (const m of amounts) {
    if (m.currency !== first.currency) throw new Error(`cannot add ${m.currency} to ${first.currency}`);
    total += m.amount;
  }
  return { amount: total, currency: first.currency };
}

/**
 * Parses what a shopper types in a price filter ("12", "12.5", "12,50") into minor units; `undefined` for an empty
 * or unreadable field, so a half-typed filter is simply not applied.
 */
export function parseMajorAmount(input: string, currency: string): number | undefined {
  const trimmed = input.trim().replace(',', '.');
  if (trimmed === '' || !/^\d+(\.\d*)?$/.test(trimmed)) return undefined;
  return Math.round(Number(trimmed) * minorUnitsPerMajor(currency));
}

/** The inverse of parseMajorAmount for filling a field: 1250 EUR → "12.5". */
export function toMajorInput(amount: number, currency: string): string {
  return String(amount / minorUnitsPerMajor(currency));
}
