import { describe, expect, it } from 'vitest';
import { fromPayPalMoney, toPayPalMoney } from './paypal-money.ts';

describe('PayPal money', () => {
  it('writes minor units as PayPal decimal strings', () => {
    expect(toPayPalMoney({ amount: 4599, currency: 'EUR' })).toEqual({ currencyCode: 'EUR', value: '45.99' });
    expect(toPayPalMoney({ amount: 5, currency: 'USD' })).toEqual({ currencyCode: 'USD', value: '0.05' });
    expect(toPayPalMoney({ amount: 100000, currency: 'GBP' })).toEqual({ currencyCode: 'GBP', value: '1000.00' });
    expect(toPayPalMoney({ amount: 1500, currency: 'JPY' })).toEqual({ currencyCode: 'JPY', value: '1500' });
    expect(toPayPalMoney({ amount: 12345, currency: 'KWD' })).toEqual({ currencyCode: 'KWD', value: '12.345' });
  });

  it('takes whole units only where PayPal does (HUF, TWD have ISO cents PayPal refuses)', () => {
    expect(toPayPalMoney({ amount: 150000, currency: 'HUF' })).toEqual({ currencyCode: 'HUF', value: '1500' });
    expect(() => toPayPalMoney({ amount: 150050, currency: 'HUF' })).toThrow(/whole HUF/);
    expect(() => toPayPalMoney({ amount: 1.5, currency: 'EUR' })).toThrow(RangeError);
  });

  it('reads PayPal amounts back into minor units, exactly', () => {
    expect(fromPayPalMoney({ currency_code: 'EUR', value: '45.99' })).toEqual({ amount: 4599, currency: 'EUR' });
    expect(fromPayPalMoney({ currency_code: 'EUR', value: '45.9' })).toEqual({ amount: 4590, currency: 'EUR' });
    expect(fromPayPalMoney({ currency_code: 'EUR', value: '10' })).toEqual({ amount: 1000, currency: 'EUR' });
    expect(fromPayPalMoney({ currencyCode: 'USD', value: '0.29' })).toEqual({ amount: 29, currency: 'USD' });
    expect(fromPayPalMoney({ currency_code: 'JPY', value: '1500' })).toEqual({ amount: 1500, currency: 'JPY' });
    expect(fromPayPalMoney({ currency_code: 'HUF', value: '1500' })).toEqual({ amount: 150000, currency: 'HUF' });
  });

  it('refuses what is not an amount of that currency', () => {
    expect(() => fromPayPalMoney({ currency_code: 'EUR', value: '1.999' })).toThrow(/at most 2 decimals/);
    expect(() => fromPayPalMoney({ currency_code: 'JPY', value: '15.5' })).toThrow(/at most 0 decimals/);
    expect(() => fromPayPalMoney({ currency_code: 'EUR', value: '-1.00' })).toThrow(RangeError);
    expect(() => fromPayPalMoney({ currency_code: 'eur', value: '1.00' })).toThrow(/ISO 4217/);
  });
});
