/**
 * How messages show money, dates and reasons to their reader: in the reader's locale (the order's contact, or the
 * shop's default when it has none or an invalid one), amounts from integer minor units with the currency's own
 * number of decimals (EUR 2, JPY 0), dates in UTC so rendering the same record again gives the same text.
 */
import type { Money } from '@streamshop/schemas/types';

export interface MessageFormat {
  locale: string;
  money(money: Money): string;
  date(epochMs: number): string;
}

/** The locale to write in: the requested one if Intl knows it, else the shop's default. */
export function messageLocale(requested: string | null, fallback: string): string {
  if (requested) {
    try {
      const [canonical] = Intl.getCanonicalLocales(requested);
      if (canonical) return canonical;
    } catch {
      // not a BCP 47 tag: fall back to the shop's locale
    }
  }
  return fallback;
}

export function messageFormat(locale: string): MessageFormat {
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    locale,
    money({ amount, currency }) {
      const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(amount / 10 ** decimals);
    },
    date: (epochMs) => dates.format(epochMs),
  };
}

/** A reason code (snake_case, as the events carry it) as words: `out_of_stock` → `out of stock`. */
export const reasonInWords = (code: string): string => code.replaceAll('_', ' ');
