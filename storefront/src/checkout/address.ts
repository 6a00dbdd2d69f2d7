/**
 * The shipping address form's model: the countries offered (ISO 3166 alpha-2, named in the shopper's language by
 * Intl.DisplayNames), validation that mirrors the gateway's so mistakes show beside the field, and the last address
 * remembered for the next checkout.
 */
import type { Address } from '../api/types.ts';

export const COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'US',
  'CA',
] as const;

export function countryName(code: string, locale?: string): string {
  try {
    return new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export interface AddressForm {
  name: string;
  line1: string;
  line2: string;
  postalCode: string;
  city: string;
  region: string;
  country: string;
}

export const emptyAddress: AddressForm = {
  name: '',
  line1: '',
  line2: '',
  postalCode: '',
  city: '',
  region: '',
  country: 'DE',
};

export type AddressErrors = Partial<Record<keyof AddressForm, string>>;

export function validateAddress(a: AddressForm): AddressErrors {
  const errors: AddressErrors = {};
  if (!a.name.trim()) errors.name = 'Enter the recipient’s name.';
  if (!a.line1.trim()) errors.line1 = 'Enter the street and number.';
  if (!a.postalCode.trim()) errors.postalCode = 'Enter the postal code.';
  if (!a.city.trim()) errors.city = 'Enter the city.';
  if (!/^[A-Z]{2}$/.test(a.country)) errors.country = 'Choose a country.';
  for (const [k, v] of Object.entries(a)) {
    if (v.length > 200) errors[k as keyof AddressForm] = 'That is too long (200 characters at most).';
  }
  return errors;
}

/** The request body's address: trimmed, optional fields left out when empty. */
export function toAddress(a: AddressForm): Address {
  return {
    name: a.name.trim(),
    line1: a.line1.trim(),
    ...(a.line2.trim() ? { line2: a.line2.trim() } : {}),
    postalCode: a.postalCode.trim(),
    city: a.city.trim(),
    ...(a.region.trim() ? { region: a.region.trim() } : {}),
    country: a.country,
  };
}

export const ADDRESS_STORAGE_KEY = 'streamshop.address.v1';

export function readStoredAddress(raw: string | null): AddressForm {
  if (!raw) return emptyAddress;
  try {
    const parsed = JSON.parse(raw) as Partial<Record<keyof AddressForm, unknown>>;
    const out = { ...emptyAddress };
    for (const k of Object.keys(emptyAddress) as (keyof AddressForm)[]) {
      const v = parsed[k];
      if (typeof v === 'string') out[k] = v;
    }
    return out;
  } catch {
    return emptyAddress;
  }
}
