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
