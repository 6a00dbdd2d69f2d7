import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../plugins/problem-json.ts';
import type { PlaceOrderBody } from '../schemas/orders.ts';
import {
  contactFor,
  localeFromAcceptLanguage,
  mergeLines,
  placeOrderFingerprint,
  requireUnitsPerSkuWithin,
} from './order-placement.ts';

const address = { name: 'Sam', line1: '1 Rue', postalCode: '75001', city: 'Paris', country: 'FR' };
const body = (over: Partial<PlaceOrderBody> = {}): PlaceOrderBody => ({
  lines: [{ sku: 'A', quantity: 2 }],
  shippingAddress: address,
  paymentProvider: 'stripe',
  ...over,
});

describe('mergeLines', () => {
  it('sums the quantities of a SKU into its first line and remembers where its lines were', () => {
    expect(
      mergeLines([
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 5, indices: [0, 2] },
      { sku: 'B', quantity: 1, indices: [1] },
    ]);
  });
});

describe('requireUnitsPerSkuWithin', () => {
  it('accepts the limit itself and refuses one more, pointing at every line of the SKU', () => {
    expect(() => requireUnitsPerSkuWithin(mergeLines([{ sku: 'A', quantity: 10 }]), 10)).not.toThrow();
    let problem: unknown;
    try {
      requireUnitsPerSkuWithin(
        mergeLines([
          { sku: 'A', quantity: 6 },
          { sku: 'A', quantity: 5 },
        ]),
        10,
      );
    } catch (err) {
      problem = err;
    }
    expect(problem).toBeInstanceOf(HttpProblem);
    expect(problem).toMatchObject({ status: 422, code: 'quantity_limit_exceeded' });
    expect((problem as HttpProblem).extra.errors?.map((e) => e.path)).toEqual([
      'body.lines[0].quantity',
      'body.lines[1].quantity',
    ]);
  });
});

describe('placeOrderFingerprint', () => {
  it('is the same for the same request, an absent optional field reading as null', () => {
    expect(placeOrderFingerprint(body())).toBe(
      placeOrderFingerprint(body({ shippingAddress: { ...address, line2: null, region: null } })),
    );
  });

  it('differs when anything the client chose differs', () => {
    const base = placeOrderFingerprint(body());
    for (const other of [
      body({ lines: [{ sku: 'A', quantity: 3 }] }),
      body({ lines: [{ sku: 'B', quantity: 2 }] }),
      body({ paymentProvider: 'paypal' }),
      body({ shippingAddress: { ...address, line2: 'Bât. B' } }),
      body({ shippingAddress: { ...address, country: 'BE' } }),
    ]) {
      expect(placeOrderFingerprint(other)).not.toBe(base);
    }
  });
});

describe('localeFromAcceptLanguage', () => {
  it('takes the first range, canonicalised', () => {
    expect(localeFromAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5')).toBe('fr-CH');
    expect(localeFromAcceptLanguage('en-gb')).toBe('en-GB');
    expect(localeFromAcceptLanguage('zh-hant-tw;q=1')).toBe('zh-Hant-TW');
  });

  it('skips the wildcard, ranges refused with q=0, malformed and overlong tags, for the next well-formed one', () => {
    expect(localeFromAcceptLanguage('*, de;q=0.5')).toBe('de');
    expect(localeFromAcceptLanguage('fr;q=0, en-US;q=0.4')).toBe('en-US');
    expect(localeFromAcceptLanguage('en_US, 123, <script>, nl-BE')).toBe('nl-BE');
    expect(localeFromAcceptLanguage(`${'a'.repeat(8)}-${'b'.repeat(30)}, it`)).toBe('it');
  });

  it('is null without a header or without any usable range', () => {
    expect(localeFromAcceptLanguage(undefined)).toBeNull();
    expect(localeFromAcceptLanguage('')).toBeNull();
    expect(localeFromAcceptLanguage('*')).toBeNull();
    expect(localeFromAcceptLanguage('en_US, ;q=0.5, fr;q=0.000')).toBeNull();
  });
});

describe('contactFor', () => {
  it('is the session’s e-mail and name with the browser’s locale', () => {
    expect(contactFor({ email: 'sam@example.com', name: 'Sam' }, 'de-DE,de;q=0.9')).toEqual({
      email: 'sam@example.com',
      name: 'Sam',
      locale: 'de-DE',
    });
    expect(contactFor({ email: 'sam@example.com' }, undefined)).toEqual({
      email: 'sam@example.com',
      name: null,
      locale: null,
    });
  });

  it('is null when the session token carries no e-mail: nobody to write to', () => {
    expect(contactFor({ name: 'Sam' }, 'en')).toBeNull();
  });
});
