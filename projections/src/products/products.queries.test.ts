import { describe, expect, it } from 'vitest';
import { QueryInputError } from '../query-input.ts';
import {
  cursorAfter,
  escapeRegExp,
  normalizeSearch,
  type ProductSearch,
  searchFilter,
  sortSpec,
  toProduct,
} from './products.queries.ts';

const doc = {
  _id: 'SKU-1',
  sku: 'SKU-1',
  productId: 'p1',
  name: 'Red Shoe',
  description: 'A shoe',
  category: 'shoes',
  price: { amount: 4999, currency: 'EUR' },
  imageUrl: null,
  status: 'active' as const,
  stock: { available: 3 },
  createdAt: 1000,
  updatedAt: 2000,
};

function codeOf(input: ProductSearch): string | undefined {
  try {
    normalizeSearch(input);
  } catch (err) {
    if (err instanceof QueryInputError) return err.code;
    throw err;
  }
  return undefined;
}

describe('product search input', () => {
  it('defaults to the first page of 24 by name', () => {
    expect(normalizeSearch()).toMatchObject({ q: null, sort: 'name', limit: 24, after: undefined, cursor: null });
  });

  it('lower-cases and trims the text, ignoring a blank one', () => {
    expect(normalizeSearch({ q: '  Red SHOE ' }).q).toBe('red shoe');
    expect(normalizeSearch({ q: '   ' }).q).toBeNull();
  });

  it('rejects bad sorts, limits, prices, texts and cursors with stable codes', () => {
    expect(codeOf({ sort: 'popular' as never })).toBe('invalid_sort');
    expect(codeOf({ sort: 'toString' as never })).toBe('invalid_sort');
    expect(codeOf({ limit: 0 })).toBe('invalid_limit');
    expect(codeOf({ limit: 101 })).toBe('invalid_limit');
    expect(codeOf({ minPrice: -1 })).toBe('invalid_price_range');
    expect(codeOf({ maxPrice: 9.99 })).toBe('invalid_price_range');
    expect(codeOf({ minPrice: 500, maxPrice: 100 })).toBe('invalid_price_range');
    expect(codeOf({ q: 'x'.repeat(201) })).toBe('invalid_query');
    expect(codeOf({ cursor: 'garbage!' })).toBe('invalid_cursor');
    // A cursor of one sort is not a position in another.
    expect(codeOf({ sort: 'newest', cursor: cursorAfter(doc, 'price_asc') })).toBe('invalid_cursor');
  });
});

describe('product search filter', () => {
  it('matches active products only, by escaped lower-case substring, category and inclusive price bounds', () => {
    const filter = searchFilter(normalizeSearch({ q: 'Shoe (42)', category: 'shoes', minPrice: 100, maxPrice: 500 }));
    expect(filter).toEqual({
      productId: { $ne: null },
      status: 'active',
      searchText: { $regex: 'shoe \\(42\\)' },
      category: 'shoes',
      'price.amount': { $gte: 100, $lte: 500 },
    });
    expect(searchFilter(normalizeSearch({ maxPrice: 0 }))).toMatchObject({ 'price.amount': { $lte: 0 } });
  });

  it('escapes every regular-expression metacharacter', () => {
    const special = '.*+?^{}()|[]\\$';
    expect(new RegExp(escapeRegExp(special)).test(`a${special}b`)).toBe(true);
    expect(new RegExp(escapeRegExp('a.c')).test('abc')).toBe(false);
  });

  it('continues strictly after the cursor position in the sort order', () => {
    const asc = searchFilter(normalizeSearch({ sort: 'price_asc', cursor: cursorAfter(doc, 'price_asc') }));
    expect(asc.$and?.[1]).toEqual({
      $or: [{ 'price.amount': { $gt: 4999 } }, { 'price.amount': 4999, _id: { $gt: 'SKU-1' } }],
    });
    const newest = searchFilter(normalizeSearch({ sort: 'newest', cursor: cursorAfter(doc, 'newest') }));
    expect(newest.$and?.[1]).toEqual({
      $or: [{ createdAt: { $lt: 1000 } }, { createdAt: 1000, _id: { $gt: 'SKU-1' } }],
    });
    const byName = searchFilter(normalizeSearch({ cursor: cursorAfter(doc, 'name') }));
    expect(byName.$and?.[1]).toEqual({
      $or: [{ name: { $gt: 'Red Shoe' } }, { name: 'Red Shoe', _id: { $gt: 'SKU-1' } }],
    });
  });

  it('sorts on one field with _id as the tie-breaker', () => {
    expect(sortSpec('name')).toEqual({ name: 1, _id: 1 });
    expect(sortSpec('price_desc')).toEqual({ 'price.amount': -1, _id: 1 });
    expect(sortSpec('newest')).toEqual({ createdAt: -1, _id: 1 });
  });
});

describe('product view', () => {
  it('exposes the product id as id and the available stock', () => {
    expect(toProduct(doc)).toEqual({
      id: 'p1',
      sku: 'SKU-1',
      name: 'Red Shoe',
      description: 'A shoe',
      category: 'shoes',
      price: { amount: 4999, currency: 'EUR' },
      imageUrl: null,
      status: 'active',
      available: 3,
      updatedAt: 2000,
    });
  });

  it('is null for stock the catalog has not created a product for', () => {
    expect(toProduct({ ...doc, productId: null, price: null, status: null })).toBeNull();
  });
});
