import { describe, expect, it } from 'vitest';
import { filtersFromParams, filtersToParams, productsQuery } from './catalog-filters.ts';

describe('catalog filters', () => {
  it('round-trips through the URL and drops defaults', () => {
    const f = filtersFromParams(
      new URLSearchParams('q=mug&category=Kitchen&minPrice=500&maxPrice=2000&sort=price_desc'),
    );
    expect(f).toEqual({ q: 'mug', category: 'Kitchen', minPrice: 500, maxPrice: 2000, sort: 'price_desc' });
    expect(filtersToParams(f).toString()).toBe('q=mug&category=Kitchen&minPrice=500&maxPrice=2000&sort=price_desc');
    expect(filtersToParams(filtersFromParams(new URLSearchParams(''))).toString()).toBe('');
  });

  it('ignores unknown sorts and malformed prices', () => {
    const f = filtersFromParams(new URLSearchParams('sort=cheapest&minPrice=-1&maxPrice=abc'));
    expect(f).toEqual({ q: '', category: '', minPrice: undefined, maxPrice: undefined, sort: 'name' });
  });

  it('swaps a reversed price range in the query', () => {
    const q = productsQuery({ q: ' mug ', category: '', minPrice: 900, maxPrice: 100, sort: 'name' }, 'c1', 24);
    expect(q).toEqual({ q: 'mug', category: '', minPrice: 100, maxPrice: 900, sort: 'name', cursor: 'c1', limit: 24 });
  });
});
