import { describe, expect, it } from 'vitest';
import { documentTotals, invoiceLine, netOfGross, vatRateFor } from './invoice-amounts.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const RATES = { defaultBasisPoints: 2000, byCategory: { books: 550, food: 0 } };

describe('netOfGross', () => {
  it('takes the VAT out of a VAT-inclusive amount', () => {
    expect(netOfGross(1200, 2000)).toBe(1000);
    expect(netOfGross(10550, 550)).toBe(10000);
  });

  it('rounds half up to the cent', () => {
    // 1000 / 1.2 = 833.33… → 833; 1001 / 1.2 = 834.1666… → 834; 3 / 1.2 = 2.5 → 3 (half up, not to even).
    expect(netOfGross(1000, 2000)).toBe(833);
    expect(netOfGross(1001, 2000)).toBe(834);
    expect(netOfGross(3, 2000)).toBe(3);
    // 5 / 1.25 = 4 exactly; 7 / 1.25 = 5.6 → 6; 1 / 1.0055 = 0.9945… → 1.
    expect(netOfGross(5, 2500)).toBe(4);
    expect(netOfGross(7, 2500)).toBe(6);
    expect(netOfGross(1, 550)).toBe(1);
  });

  it('keeps the whole amount as net at a 0 % rate', () => {
    expect(netOfGross(1999, 0)).toBe(1999);
  });

  it('stays exact for amounts whose product with 10,000 passes 2^53', () => {
    const gross = 900_000_000_000_000; // 9e14 minor units: gross × 10000 is far beyond Number's exact integers
    expect(netOfGross(gross, 2000)).toBe(750_000_000_000_000);
  });
});

describe('vatRateFor', () => {
  it('uses the category’s own rate, including 0 %, else the default', () => {
    expect(vatRateFor('books', RATES)).toBe(550);
    expect(vatRateFor('food', RATES)).toBe(0);
    expect(vatRateFor('garden', RATES)).toBe(2000);
    expect(vatRateFor(null, RATES)).toBe(2000);
    expect(vatRateFor('toString', RATES)).toBe(2000); // not an inherited property taken for a category
  });
});

describe('invoiceLine', () => {
  it('prices quantity × unit price and splits it into net and VAT that add up to the cent', () => {
    const line = invoiceLine({
      sku: 'SKU-A',
      description: 'Lamp',
      quantity: 3,
      unitPrice: eur(333),
      vatRateBasisPoints: 2000,
    });
    expect(line).toEqual({
      sku: 'SKU-A',
      description: 'Lamp',
      quantity: 3,
      unitPrice: eur(333),
      vatRateBasisPoints: 2000,
      net: eur(833), // 999 / 1.2 = 832.5 → 833
      vat: eur(166),
      gross: eur(999),
    });
  });
});

describe('documentTotals', () => {
  it('sums the lines, so the totals add up to the cent however the lines rounded', () => {
    // Three lines each rounding up half a cent: a total recomputed from the gross would be off by one.
    const lines = [1, 2, 3].map((i) =>
      invoiceLine({
        sku: `SKU-${i}`,
        description: `Item ${i}`,
        quantity: 1,
        unitPrice: eur(3),
        vatRateBasisPoints: 2000,
      }),
    );
    const totals = documentTotals(lines, 'EUR');
    expect(totals).toEqual({ net: eur(9), vat: eur(0), gross: eur(9) });
    expect(netOfGross(totals.gross.amount, 2000)).toBe(8); // what a total-based computation would have said
    expect(totals.net.amount + totals.vat.amount).toBe(totals.gross.amount);
  });

  it('adds lines at different rates', () => {
    const lines = [
      invoiceLine({ sku: 'B', description: 'Book', quantity: 2, unitPrice: eur(1055), vatRateBasisPoints: 550 }),
      invoiceLine({ sku: 'L', description: 'Lamp', quantity: 1, unitPrice: eur(2400), vatRateBasisPoints: 2000 }),
      invoiceLine({ sku: 'F', description: 'Bread', quantity: 4, unitPrice: eur(250), vatRateBasisPoints: 0 }),
    ];
    expect(documentTotals(lines, 'EUR')).toEqual({
      net: eur(2000 + 2000 + 1000),
      vat: eur(110 + 400),
      gross: eur(5510),
    });
  });

  it('is zero for no lines', () => {
    expect(documentTotals([], 'EUR')).toEqual({ net: eur(0), vat: eur(0), gross: eur(0) });
  });
});
