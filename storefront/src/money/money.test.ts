import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitsPerMajor, parseMajorAmount, sum, times, toMajorInput } from './money.ts';

describe('money', () => {
  it('formats minor units with the currency of the Money', () => {
    expect(formatMoney({ amount: 1250, currency: 'EUR' }, 'en-IE')).toBe('€12.50');
    expect(formatMoney({ amount: 1250, currency: 'EUR' }, 'de-DE')).toBe('12,50\u00a0€');
    expect(formatMoney({ amount: 1999, currency: 'USD' }, 'en-US')).toBe('$19.99');
    expect(formatMoney({ amount: 0, currency: 'EUR' }, 'en-IE')).toBe('€0.00');
  });

  it('uses the currency’s own fraction digits', () => {
    expect(minorUnitsPerMajor('EUR')).toBe(100);
    expect(minorUnitsPerMajor('JPY')).toBe(1);
    expect(formatMoney({ amount: 1250, currency: 'JPY' }, 'en-US')).toBe('¥1,250');
  });

  it('multiplies and sums in integer minor units', () => {
    expect(times({ amount: 333, currency: 'EUR' }, 3)).toEqual({ amount: 999, currency: 'EUR' });
    expect(
      sum([
        { amount: 10, currency: 'EUR' },
        { amount: 20, currency: 'EUR' },
      ]),
    ).toEqual({ amount: 30, currency: 'EUR' });
    expect(sum([])).toBeUndefined();
    expect(() =>
      sum([
        { amount: 1, currency: 'EUR' },
        { amount: 1, currency: 'USD' },
      ]),
    ).toThrow(/USD/);
  });

  it('parses typed prices into minor units and ignores what is not a price', () => {
    expect(parseMajorAmount('12', 'EUR')).toBe(1200);
    expect(parseMajorAmount(' 12,5 ', 'EUR')).toBe(1250);
    expect(parseMajorAmount('0.29', 'EUR')).toBe(29);
    expect(parseMajorAmount('', 'EUR')).toBeUndefined();
    expect(parseMajorAmount('abc', 'EUR')).toBeUndefined();
    expect(parseMajorAmount('-3', 'EUR')).toBeUndefined();
    expect(toMajorInput(1250, 'EUR')).toBe('12.5');
  });
});
