/**
 * How amounts, rates and dates read on a document: Intl for the shop's locale, at the edge. Money stays integer
 * minor units everywhere else; here it is divided by the currency's own number of fraction digits (0 for JPY,
 * 2 for EUR), which Intl knows. Dates are shown in UTC so the same document renders the same on every server.
 */
import type { Address, Money, PaymentProvider } from '@streamshop/schemas/types';

export interface DocumentFormat {
  money(money: Money): string;
  rate(basisPoints: number): string;
  date(millis: number): string;
}

export function documentFormat(locale: string): DocumentFormat {
  const currencies = new Map<string, Intl.NumberFormat>();
  const currency = (code: string): Intl.NumberFormat => {
    let format = currencies.get(code);
    if (!format) {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
      currencies.set(code, format);
    }
    return format;
  };
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    money: ({ amount, currency: code }) => {
      const format = currency(code);
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(amount / 10 ** digits);
    },
    rate: (basisPoints) => percent.format(basisPoints / 10_000),
    date: (millis) => date.format(new Date(millis)),
  };
}

/** An address as printed lines: name, street lines, postal code and city, region, country. */
export function addressLines(address: Address): string[] {
  return [
    address.name,
    address.line1,
    address.line2,
    `${address.postalCode} ${address.city}`,
    address.region,
    address.country,
  ].filter((line): line is string => line !== null && line !== '');
}

const providerNames: Record<PaymentProvider, string> = { stripe: 'Stripe', paypal: 'PayPal' };

export function providerName(provider: PaymentProvider): string {
  return providerNames[provider];
}
