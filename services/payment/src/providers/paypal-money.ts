/**
 * Money between our minor units and PayPal's decimal strings ({"currency_code": "EUR", "value": "45.99"}), without
 * floating point. Minor units follow ISO 4217 (cents; yen are whole; dinars have three decimals). PayPal takes no
 * decimals at all for HUF, JPY and TWD, so there an amount must be a whole number of major units.
 */
import type { Money } from '@streamshop/schemas/types';

/** Currencies PayPal only accepts as whole numbers (https://developer.paypal.com/api/rest/reference/currency-codes/). */
const PAYPAL_WHOLE_UNITS = new Set(['HUF', 'JPY', 'TWD']);

/** ISO 4217 minor units other than 2 (the platform's Intl follows CLDR display digits instead, e.g. HUF 0). */
const ISO_DIGITS: Record<string, number> = {
  ...Object.fromEntries(
    'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'.split(' ').map((c) => [c, 0]),
  ),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

/** ISO 4217 decimal places of a currency. */
export function minorUnitDigits(currency: string): number {
  return ISO_DIGITS[currency] ?? 2;
}

export function toPayPalMoney(money: Money): { currencyCode: string; value: string } {
  const digits = minorUnitDigits(money.currency);
  const paypalDigits = PAYPAL_WHOLE_UNITS.has(money.currency) ? 0 : digits;
  if (!Number.isSafeInteger(money.amount) || money.amount < 0) {
    throw new RangeError(`amount must be a non-negative integer of minor units, got ${money.amount}`);
  }
  const scale = 10 ** (digits - paypalDigits);
  if (money.amount % scale !== 0) {
    throw new RangeError(`PayPal takes whole ${money.currency} only; ${money.amount} minor units is not whole`);
  }
  const units = String(money.amount / scale).padStart(paypalDigits + 1, '0');
  const value = paypalDigits === 0 ? units : `${units.slice(0, -paypalDigits)}.${units.slice(-paypalDigits)}`;
  return { currencyCode: money.currency, value };
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export function fromPayPalMoney(amount: { currency_code?: string; currencyCode?: string; value: string }): Money {
  const currency = amount.currency_code ?? amount.currencyCode ?? '';
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`not an ISO 4217 currency: ${JSON.stringify(currency)}`);
  const m = DECIMAL.exec(amount.value);
  const digits = minorUnitDigits(currency);
  const fraction = m?.[2] ?? '';
  if (!m || fraction.length > digits) {
    throw new RangeError(`not a ${currency} amount with at most ${digits} decimals: ${JSON.stringify(amount.value)}`);
  }
  const minor = Number(`${m[1]}${fraction.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount too large: ${amount.value}`);
  return { amount: minor, currency };
}
