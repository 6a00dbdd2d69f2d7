/**
 * VAT arithmetic for invoices and credit notes. Shop prices include VAT, so a line's gross (quantity × unit price)
 * is what the shopper paid, and the net is taken out of it: net = round(gross × 10000 / (10000 + rate)), rounded
 * half up, and vat = gross − net. Each line therefore adds up to the cent by construction, and the document's totals
 * are the sums of its lines (never recomputed from a total, which could differ from the lines by a cent).
 *
 * Integer minor units only; the division runs on bigint so a large amount times 10000 cannot lose precision.
 */
import type { InvoiceLine, Money } from '@streamshop/schemas/types';

/** Basis points: 2000 = 20 %. */
export interface VatRates {
  /** The rate of a line whose category has none of its own (or no category). */
  defaultBasisPoints: number;
  byCategory: Readonly<Record<string, number>>;
}

export function vatRateFor(category: string | null, rates: VatRates): number {
  if (category !== null && Object.hasOwn(rates.byCategory, category)) return rates.byCategory[category]!;
  return rates.defaultBasisPoints;
}

/** The net inside a VAT-inclusive gross, rounded half up to the minor unit. `gross` ≥ 0, `rateBasisPoints` ≥ 0. */
export function netOfGross(gross: number, rateBasisPoints: number): number {
  const numerator = BigInt(gross) * 10_000n;
  const denominator = 10_000n + BigInt(rateBasisPoints);
  // Half up for non-negative values: floor((2n + d) / 2d).
  return Number((2n * numerator + denominator) / (2n * denominator));
}

export interface LineInput {
  sku: string | null;
  description: string;
  quantity: number;
  unitPrice: Money;
  vatRateBasisPoints: number;
}

export function invoiceLine(input: LineInput): InvoiceLine {
  const { currency } = input.unitPrice;
  const gross = input.quantity * input.unitPrice.amount;
  const net = netOfGross(gross, input.vatRateBasisPoints);
  return {
    sku: input.sku,
    description: input.description,
    quantity: input.quantity,
    unitPrice: input.unitPrice,
    vatRateBasisPoints: input.vatRateBasisPoints,
    net: { amount: net, currency },
    vat: { amount: gross - net, currency },
    gross: { amount: gross, currency },
  };
}

export interface DocumentTotals {
  net: Money;
  vat: Money;
  gross: Money;
}

/** The document's totals: sums of its lines' net, VAT and gross. */
export function documentTotals(lines: readonly InvoiceLine[], currency: string): DocumentTotals {
  const sum = (pick: (l: InvoiceLine) => Money): Money => ({
    amount: lines.reduce((total, l) => total + pick(l).amount, 0),
    currency,
  });
  return { net: sum((l) => l.net), vat: sum((l) => l.vat), gross: sum((l) => l.gross) };
}
