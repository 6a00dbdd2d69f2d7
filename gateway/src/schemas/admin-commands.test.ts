import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { CreateProductBody } from './admin-commands.ts';

const product = (imageUrl: string) => ({
  sku: 'COF-NEW-250',
  name: 'New coffee',
  description: 'Roasted this week',
  category: 'coffee',
  price: { amount: 1290, currency: 'EUR' },
  imageUrl,
});

describe('CreateProductBody.imageUrl', () => {
  it('takes an absolute http(s) URL or a path on this site, as the demo catalog and the CSV import do', () => {
    expect(Value.Check(CreateProductBody, product('https://cdn.example.com/coffee.png'))).toBe(true);
    expect(Value.Check(CreateProductBody, product('/products/COF-HUIL-250.svg'))).toBe(true);
  });

  it('refuses other schemes, protocol-relative URLs and bare slashes', () => {
    for (const url of ['javascript:alert(1)', '//evil.example/x.png', 'http://', '/', 'ftp://x/y.png']) {
      expect(Value.Check(CreateProductBody, product(url)), url).toBe(false);
    }
  });
});

describe('admin numbers stay within what the Avro records carry', () => {
  it('refuses a refund amount, line or quantity that would not encode (a 400, never a 503)', async () => {
    const { RefundBody } = await import('./admin-commands.ts');
    const refund = (body: object) => Value.Check(RefundBody, { reason: 'damaged', ...body });
    expect(refund({ amount: { amount: 1250, currency: 'EUR' }, lines: [{ line: 0, quantity: 1 }] })).toBe(true);
    expect(refund({ amount: { amount: -67_750_053_236_704_960, currency: 'EUR' } })).toBe(false);
    expect(refund({ amount: { amount: 2 ** 60, currency: 'EUR' } })).toBe(false);
    expect(refund({ lines: [{ line: 2 ** 40, quantity: 1 }] })).toBe(false);
    expect(refund({ lines: [{ line: 0, quantity: 2 ** 40 }] })).toBe(false);
    expect(Value.Check(CreateProductBody, { ...product('/p.svg'), price: { amount: 2 ** 60, currency: 'EUR' } })).toBe(
      false,
    );
  });
});
