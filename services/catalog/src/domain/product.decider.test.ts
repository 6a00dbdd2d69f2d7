import { given } from '@streamshop/decider/testing';
import type { CatalogCommand, CatalogCommandName, CommandEnvelope, RecordTypes } from '@streamshop/schemas/types';
import { describe, it } from 'vitest';
import { type ProductEventDraft, productDecider } from './product.decider.ts';

const PRODUCT = 'product-1';

function command<N extends CatalogCommandName>(type: N, payload: Omit<RecordTypes[N], keyof CommandEnvelope>) {
  const envelope: CommandEnvelope = {
    commandId: '00000000-0000-4000-8000-000000000001',
    aggregateId: PRODUCT,
    idempotencyKey: null,
    issuedAt: 1_700_000_000_000,
    correlationId: 'corr-1',
    causationId: null,
  };
  return { type, value: { ...envelope, ...payload } } as unknown as CatalogCommand;
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const details = { name: 'Trail shoe', description: 'Light and grippy', category: 'shoes', imageUrl: null };

const create = (price = eur(8900)) => command('streamshop.catalog.CreateProduct', { sku: 'SKU-1', ...details, price });
const created: ProductEventDraft = {
  type: 'streamshop.catalog.ProductCreated',
  value: { sku: 'SKU-1', ...details, price: eur(8900) },
};
const archived: ProductEventDraft = { type: 'streamshop.catalog.ProductArchived', value: { reason: null } };

describe('CreateProduct', () => {
  it('creates a product', () => {
    given(productDecider).when(create()).then([created]);
  });

  it('is a no-op when the product exists with the very same data (a CSV re-import)', () => {
    given(productDecider, [created]).when(create()).then([]);
    given(productDecider, [created, archived]).when(create()).then([]);
  });

  it('rejects an id that is taken by a product with other data', () => {
    given(productDecider, [created])
      .when(create(eur(9900)))
      .thenRejects('product_already_exists', /other data/);
    const renamed = command('streamshop.catalog.CreateProduct', {
      sku: 'SKU-1',
      ...details,
      name: 'Road shoe',
      price: eur(8900),
    });
    given(productDecider, [created]).when(renamed).thenRejects('product_already_exists');
    const otherSku = command('streamshop.catalog.CreateProduct', { sku: 'SKU-2', ...details, price: eur(8900) });
    given(productDecider, [created]).when(otherSku).thenRejects('product_already_exists');
  });

  it('rejects a price that is not positive or not in an ISO currency', () => {
    given(productDecider)
      .when(create(eur(0)))
      .thenRejects('invalid_price', /positive/);
    given(productDecider)
      .when(create(eur(-5)))
      .thenRejects('invalid_price', /positive/);
    given(productDecider)
      .when(create(eur(12.5)))
      .thenRejects('invalid_price', /integer/);
    given(productDecider)
      .when(create({ amount: 100, currency: 'euro' }))
      .thenRejects('invalid_price', /ISO 4217/);
  });
});

describe('UpdateProductDetails', () => {
  const update = (name: string) => command('streamshop.catalog.UpdateProductDetails', { ...details, name });

  it('replaces the details', () => {
    given(productDecider, [created])
      .when(update('Trail shoe 2'))
      .then([{ type: 'streamshop.catalog.ProductDetailsUpdated', value: { ...details, name: 'Trail shoe 2' } }]);
  });

  it('is a no-op when nothing changes', () => {
    given(productDecider, [created]).when(update(details.name)).then([]);
  });

  it('rejects an unknown or archived product', () => {
    given(productDecider).when(update('x')).thenRejects('product_not_found');
    given(productDecider, [created, archived]).when(update('x')).thenRejects('product_archived');
  });
});

describe('ChangeProductPrice', () => {
  const change = (price: { amount: number; currency: string }) =>
    command('streamshop.catalog.ChangeProductPrice', { price });

  it('changes the price, recording the previous one', () => {
    given(productDecider, [created])
      .when(change(eur(7900)))
      .then([
        { type: 'streamshop.catalog.ProductPriceChanged', value: { previousPrice: eur(8900), price: eur(7900) } },
      ]);
  });

  it('folds earlier changes into the previous price', () => {
    const changed: ProductEventDraft = {
      type: 'streamshop.catalog.ProductPriceChanged',
      value: { previousPrice: eur(8900), price: eur(7900) },
    };
    given(productDecider, [created, changed])
      .when(change(eur(6900)))
      .then([
        { type: 'streamshop.catalog.ProductPriceChanged', value: { previousPrice: eur(7900), price: eur(6900) } },
      ]);
  });

  it('is a no-op when the price is the same', () => {
    given(productDecider, [created])
      .when(change(eur(8900)))
      .then([]);
  });

  it('rejects a non-positive price and a change of currency', () => {
    given(productDecider, [created])
      .when(change(eur(0)))
      .thenRejects('invalid_price', /positive/);
    given(productDecider, [created])
      .when(change({ amount: 9900, currency: 'USD' }))
      .thenRejects('invalid_price', /priced in EUR, not USD/);
  });

  it('rejects an unknown or archived product', () => {
    given(productDecider)
      .when(change(eur(100)))
      .thenRejects('product_not_found');
    given(productDecider, [created, archived])
      .when(change(eur(100)))
      .thenRejects('product_archived');
  });
});

describe('ArchiveProduct', () => {
  const archive = command('streamshop.catalog.ArchiveProduct', { reason: 'discontinued' });

  it('archives an active product', () => {
    given(productDecider, [created])
      .when(archive)
      .then([{ type: 'streamshop.catalog.ProductArchived', value: { reason: 'discontinued' } }]);
  });

  it('rejects archiving twice', () => {
    given(productDecider, [created, archived]).when(archive).thenRejects('product_already_archived');
  });

  it('rejects an unknown product', () => {
    given(productDecider).when(archive).thenRejects('product_not_found');
  });
});

describe('RestoreProduct', () => {
  const restore = command('streamshop.catalog.RestoreProduct', { reason: 'back in the range' });
  const restored: ProductEventDraft = {
    type: 'streamshop.catalog.ProductRestored',
    value: { reason: 'back in the range' },
  };

  it('puts an archived product back on sale', () => {
    given(productDecider, [created, archived]).when(restore).then([restored]);
  });

  it('lets a restored product be edited and repriced again', () => {
    const change = command('streamshop.catalog.ChangeProductPrice', { price: eur(7900) });
    given(productDecider, [created, archived, restored])
      .when(change)
      .then([
        { type: 'streamshop.catalog.ProductPriceChanged', value: { previousPrice: eur(8900), price: eur(7900) } },
      ]);
  });

  it('rejects restoring a product that is on sale', () => {
    given(productDecider, [created]).when(restore).thenRejects('product_not_archived');
    given(productDecider, [created, archived, restored]).when(restore).thenRejects('product_not_archived');
  });

  it('rejects an unknown product', () => {
    given(productDecider).when(restore).thenRejects('product_not_found');
  });
});
