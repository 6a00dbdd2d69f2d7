import { given, projected } from '@streamshop/projection-runtime';
import { describe, expect, it } from 'vitest';
import { productsProjection } from './products.projection.ts';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const catalog = (type: string, value: object, version: number) =>
  projected('catalog.events', `streamshop.catalog.${type}`, value, { aggregateId: 'p1', version, at: version * 10 });
const stock = (type: string, levels: object, version: number) =>
  projected(
    'inventory.events',
    `streamshop.inventory.${type}`,
    { quantity: 1, reference: null, levels },
    {
      aggregateId: 'SKU-1',
      version,
      at: 100 + version,
    },
  );
const created = catalog(
  'ProductCreated',
  {
    sku: 'SKU-1',
    name: 'Moka Pot',
    description: 'Stovetop ESPRESSO maker',
    category: 'coffee',
    price: EUR(2990),
    imageUrl: null,
  },
  1,
);

describe('products projection', () => {
  it('creates the product keyed by SKU with lower-cased search text (SKU, name, description) and no stock yet', () => {
    const doc = given(productsProjection, created).doc('SKU-1');
    expect(doc).toMatchObject({ productId: 'p1', status: 'active', price: EUR(2990), stock: { available: 0 } });
    expect(doc?.searchText).toBe('sku-1 moka pot stovetop espresso maker');
  });

  it('keeps stock received before the product existed, then merges the catalog data', () => {
    const t = given(productsProjection, stock('StockReceived', { onHand: 5, reserved: 0, available: 5 }, 1), created);
    expect(t.doc('SKU-1')).toMatchObject({ productId: 'p1', name: 'Moka Pot', stock: { onHand: 5, available: 5 } });
  });

  it('is updated at its newest event, whichever topic came first (a rebuild interleaves them otherwise)', () => {
    const received = stock('StockReceived', { onHand: 5, reserved: 0, available: 5 }, 1); // at 101
    const priced = catalog('ProductPriceChanged', { previousPrice: EUR(2990), price: EUR(2490) }, 2); // at 20
    const live = given(productsProjection, created, priced, received).doc('SKU-1');
    const rebuilt = given(productsProjection, received, created, priced).doc('SKU-1');
    expect(live?.updatedAt).toBe(101);
    expect(rebuilt).toEqual(live);
  });

  it('finds the product by id for later catalog events, guarding each stream separately', () => {
    const t = given(
      productsProjection,
      created,
      stock('StockReserved', { onHand: 5, reserved: 2, available: 3 }, 1),
      catalog('ProductPriceChanged', { previousPrice: EUR(2990), price: EUR(2490) }, 2),
      catalog('ProductArchived', { reason: null }, 3),
      catalog('ProductPriceChanged', { previousPrice: EUR(2990), price: EUR(1) }, 2),
    );
    expect(t.doc('SKU-1')).toMatchObject({ price: EUR(2490), status: 'archived', stock: { available: 3 } });
    expect(t.skipped).toBe(1);
  });

  it('puts a restored product back on sale with the price and details it had', () => {
    const t = given(
      productsProjection,
      created,
      catalog('ProductArchived', { reason: null }, 2),
      catalog('ProductRestored', { reason: 'back in the range' }, 3),
    );
    expect(t.doc('SKU-1')).toMatchObject({ status: 'active', name: 'Moka Pot', updatedAt: 30 });
    expect(t.failures).toEqual([]);
  });

  it('refuses a catalog change for a product it never saw created', () => {
    expect(given(productsProjection, catalog('ProductArchived', { reason: null }, 2)).failures[0]).toMatch(
      /no products document/,
    );
  });
});
