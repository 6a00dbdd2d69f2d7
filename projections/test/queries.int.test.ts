/**
 * The read-model queries against the real MongoDB-protocol server (FerretDB locally) and Redis. Documents are
 * inserted in the shapes of docs/read-models.md straight into `<model>__g<N>`: this tests the queries, not the
 * projection workers. Tests run in order and share the fixtures; a test that writes behind the cache's back
 * invalidates afterwards, as a worker would.
 */
import { createReadCache, type ReadCache } from '@streamshop/read-cache';
import { createNamespace } from '@streamshop/testkit';
import type { Db } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductDocument } from '../src/products/products.projection.ts';
import { createQueries, type ProductSearch, type ProductSort, type Queries, QueryInputError } from '../src/queries.ts';

const ns = createNamespace(import.meta.url);
let db: Db;
let cache: ReadCache;
let queries: Queries;

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const utc = (iso: string) => Date.parse(iso);

function product(
  sku: string,
  name: string,
  description: string,
  category: string,
  price: number,
  createdAt: number,
  status: 'active' | 'archived' = 'active',
): ProductDocument & { _v: object } {
  return {
    _id: sku,
    sku,
    productId: `p-${sku}`,
    name,
    description,
    category,
    price: eur(price),
    imageUrl: null,
    status,
    stock: { onHand: 10, reserved: 2, available: 8 },
    searchText: `${name} ${description}`.toLowerCase(),
    createdAt,
    updatedAt: createdAt,
    _v: { catalog: 1 },
  };
}

const products: ProductDocument[] = [
  product('SKU-01', 'Trail Runner', 'Light shoe for rough paths', 'shoes', 8999, 100),
  product('SKU-02', 'Road Runner', 'Cushioned shoe for TRAIL and road', 'shoes', 8999, 100),
  product('SKU-03', 'Court Classic', 'Leather tennis shoe', 'shoes', 6999, 110),
  product('SKU-04', 'Old Trail Boot', 'Discontinued', 'shoes', 5999, 90, 'archived'),
  product('SKU-05', 'Socks (3-pack)', 'Cotton socks', 'socks', 1299, 120),
  product('SKU-06', 'Wool Socks', 'Warm', 'socks', 1599, 120),
  // Ties on price and creation time, so pagination must break them by _id.
  ...Array.from({ length: 20 }, (_, i) =>
    product(
      `SKU-${10 + i}`,
      `Tee ${String(19 - i).padStart(2, '0')}`,
      'Plain t-shirt',
      'tees',
      1500 + (i % 4) * 500,
      200 + (i % 5),
    ),
  ),
];
/** Stock that arrived before the catalog created a product for it: not a product yet. */
const stockOnly = {
  ...product('SKU-99', 'Trail ghost', 'trail', 'shoes', 1, 1),
  productId: null,
  name: '',
  description: '',
  category: '',
  price: null,
  status: null,
  createdAt: null,
};

function byKey(sort: ProductSort) {
  const key = (p: ProductDocument): string | number =>
    sort === 'name' ? p.name! : sort === 'newest' ? p.createdAt! : p.price!.amount;
  const direction = sort === 'price_desc' || sort === 'newest' ? -1 : 1;
  return (a: ProductDocument, b: ProductDocument) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
    return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
  };
}

/** Every page of a search, following nextCursor; the SKUs in the order served. */
async function allPages(search: ProductSearch): Promise<string[]> {
  const skus: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await queries.products.search({ ...search, cursor });
    expect(page.items.length).toBeLessThanOrEqual(search.limit ?? 24);
    skus.push(...page.items.map((p) => p.sku));
    if (page.nextCursor === null) return skus;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

const active = () => products.filter((p) => p.status === 'active');

beforeAll(async () => {
  ({ db } = await ns.mongo());
  cache = createReadCache({ redis: ns.redis(), prefix: ns.redisPrefix, logger: pino({ level: 'silent' }) });
  queries = createQueries({ db, cache });
  await db.collection('products__g1').insertMany([...products, stockOnly] as never[]);
});

afterAll(async () => {
  await ns.cleanup();
});

describe('products', () => {
  it('reads generation 1 when neither Redis nor a control document names one', async () => {
    expect(await queries.generation('products')).toBe(1);
  });

  it('searches name and description case-insensitively, active products only', async () => {
    const page = await queries.products.search({ q: 'TRAIL' });
    expect(page.items.map((p) => p.sku).sort()).toEqual(['SKU-01', 'SKU-02']);
    expect(page.nextCursor).toBeNull();
    expect((await queries.products.search({ q: 'leather' })).items.map((p) => p.sku)).toEqual(['SKU-03']);
    expect(page.items.find((p) => p.sku === 'SKU-01')).toEqual({
      id: 'p-SKU-01',
      sku: 'SKU-01',
      name: 'Trail Runner',
      description: 'Light shoe for rough paths',
      category: 'shoes',
      price: eur(8999),
      imageUrl: null,
      status: 'active',
      available: 8,
      updatedAt: 100,
    });
  });

  it('takes regular-expression characters in the text literally', async () => {
    expect((await queries.products.search({ q: '(3-PACK)' })).items.map((p) => p.sku)).toEqual(['SKU-05']);
    expect((await queries.products.search({ q: '.*' })).items).toEqual([]);
  });

  it('filters by category and an inclusive price range', async () => {
    const socks = await queries.products.search({ category: 'socks' });
    expect(socks.items.map((p) => p.sku)).toEqual(['SKU-05', 'SKU-06']);
    const mid = await queries.products.search({ minPrice: 1500, maxPrice: 2000, limit: 100 });
    const expected = active().filter((p) => p.price!.amount >= 1500 && p.price!.amount <= 2000);
    expect(mid.items.map((p) => p.sku).sort()).toEqual(expected.map((p) => p.sku).sort());
    expect(expected.map((p) => p.price!.amount)).toContain(2000);
    const shoes = await queries.products.search({ category: 'shoes', maxPrice: 7000 });
    expect(shoes.items.map((p) => p.sku)).toEqual(['SKU-03']);
  });

  for (const sort of ['name', 'price_asc', 'price_desc', 'newest'] as const) {
    it(`pages through every match exactly once in ${sort} order`, async () => {
      const expected = active()
        .sort(byKey(sort))
        .map((p) => p.sku);
      expect(await allPages({ sort, limit: 4 })).toEqual(expected);
      const tees = active().filter((p) => p.category === 'tees');
      expect(await allPages({ sort, category: 'tees', limit: 3 })).toEqual(tees.sort(byKey(sort)).map((p) => p.sku));
    });
  }

  it('keeps its place when products are inserted between two pages', async () => {
    const search = { category: 'tees', sort: 'price_asc', limit: 5 } as const;
    const first = await queries.products.search(search);
    const before = product('SKU-80', 'Tee cheap', 'Plain t-shirt', 'tees', 100, 300);
    const after = product('SKU-81', 'Tee dear', 'Plain t-shirt', 'tees', 99_999, 300);
    await db.collection('products__g1').insertMany([before, after] as never[]);
    products.push(before, after);
    const rest: string[] = [];
    let cursor = first.nextCursor;
    for (let pages = 0; cursor !== null; pages++) {
      if (pages === 20) throw new Error('pagination did not end');
      const page = await queries.products.search({ ...search, cursor });
      rest.push(...page.items.map((p) => p.sku));
      cursor = page.nextCursor;
    }
    const seen = [...first.items.map((p) => p.sku), ...rest];
    const original = products.filter((p) => p.category === 'tees' && p !== before && p !== after);
    // Nothing served twice, nothing of the original set skipped; what sorts after the position is picked up.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((s) => s !== 'SKU-81').sort()).toEqual(original.map((p) => p.sku).sort());
    expect(seen.at(-1)).toBe('SKU-81');
    await cache.invalidate(
      'products',
      1,
      [before, after].map((p) => ({ kind: 'id', id: p.productId! })),
    );
  });

  it('serves a cached page and product until the worker invalidates them', async () => {
    expect((await queries.products.search({ category: 'socks' })).items[1]?.price).toEqual(eur(1599));
    expect((await queries.products.byId('p-SKU-06'))?.price).toEqual(eur(1599));
    await db.collection('products__g1').updateOne({ _id: 'SKU-06' as never }, { $set: { price: eur(1799) } });
    products.find((p) => p.sku === 'SKU-06')!.price = eur(1799);
    // Written behind the cache's back: both answers still come from Redis.
    expect((await queries.products.search({ category: 'socks' })).items[1]?.price).toEqual(eur(1599));
    expect((await queries.products.byId('p-SKU-06'))?.price).toEqual(eur(1599));
    await cache.invalidate('products', 1, [{ kind: 'id', id: 'p-SKU-06' }]);
    expect((await queries.products.search({ category: 'socks' })).items[1]?.price).toEqual(eur(1799));
    expect((await queries.products.byId('p-SKU-06'))?.price).toEqual(eur(1799));
  });

  it('finds a product by id, archived ones too, and null for an unknown id', async () => {
    expect(await queries.products.byId('p-SKU-04')).toMatchObject({ sku: 'SKU-04', status: 'archived' });
    expect(await queries.products.byId('p-nope')).toBeNull();
  });

  it('prices order lines by SKU, leaving out SKUs that are not products', async () => {
    const found = await queries.products.bySkus(['SKU-01', 'SKU-04', 'SKU-99', 'SKU-nope', 'SKU-01']);
    expect([...found.keys()].sort()).toEqual(['SKU-01', 'SKU-04']);
    expect(found.get('SKU-01')?.price).toEqual(eur(8999));
    expect(found.get('SKU-04')?.status).toBe('archived');
    expect((await queries.products.bySkus([])).size).toBe(0);
  });

  it('counts active products per category', async () => {
    const counts = new Map<string, number>();
    for (const p of active()) counts.set(p.category!, (counts.get(p.category!) ?? 0) + 1);
    expect(await queries.products.categories()).toEqual(
      [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([category, count]) => ({ category, count })),
    );
    expect(counts.get('shoes')).toBe(3);
  });
});

describe('orders', () => {
  const order = (orderId: string, customerId: string, placedAt: number) => ({
    _id: orderId,
    orderId,
    customerId,
    status: 'placed',
    lines: [
      { line: 1, sku: 'SKU-01', quantity: 1, unitPrice: eur(8999), reservation: 'pending', rejectionReason: null },
    ],
    shippingAddress: {
      name: 'Ada',
      line1: '1 Rue',
      line2: null,
      postalCode: '75001',
      city: 'Paris',
      region: null,
      country: 'FR',
    },
    currency: 'EUR',
    total: eur(8999),
    paymentProvider: 'stripe',
    payment: null,
    cancellation: null,
    refund: null,
    shipment: null,
    timeline: [{ status: 'placed', at: placedAt, event: 'OrderPlaced', version: 1 }],
    placedAt,
    updatedAt: placedAt,
    version: 1,
    _v: { orders: 1 },
  });

  beforeAll(async () => {
    await db
      .collection('orders__g1')
      .insertMany([
        order('o1', 'c1', 1000),
        order('o2', 'c1', 2000),
        order('o3', 'c1', 2000),
        order('o4', 'c1', 3000),
        order('o5', 'c1', 500),
        order('o6', 'c2', 2500),
      ] as never[]);
  });

  it('returns an order without its internal fields, and null for an unknown one', async () => {
    const o2 = await queries.orders.byId('o2');
    const { _id, _v, ...visible } = order('o2', 'c1', 2000);
    // Each line also names its product, read from the products model (SKU-01 is the Trail Runner, without image).
    const lines = visible.lines.map((l) => ({ ...l, name: 'Trail Runner', imageUrl: null }));
    expect(o2).toEqual({ id: 'o2', ...visible, lines });
    expect(await queries.orders.byId('o-nope')).toBeNull();
  });

  it("lists a customer's orders newest first, every one exactly once across pages", async () => {
    const first = await queries.orders.byCustomer('c1', { limit: 2 });
    expect(first.items.map((o) => o.id)).toEqual(['o4', 'o2']);
    const second = await queries.orders.byCustomer('c1', { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((o) => o.id)).toEqual(['o3', 'o1']);
    const third = await queries.orders.byCustomer('c1', { limit: 2, cursor: second.nextCursor! });
    expect(third).toEqual({ items: [expect.objectContaining({ id: 'o5' })], nextCursor: null });
    expect((await queries.orders.byCustomer('c2')).items.map((o) => o.id)).toEqual(['o6']);
    expect(await queries.orders.byCustomer('c-none')).toEqual({ items: [], nextCursor: null });
  });
});

describe('inventory', () => {
  it('returns the levels of a SKU, and null for an unknown one', async () => {
    await db.collection('inventory__g1').insertOne({
      _id: 'SKU-01' as never,
      sku: 'SKU-01',
      onHand: 10,
      reserved: 3,
      available: 7,
      updatedAt: 42,
      version: 4,
      _v: { inventory: 4 },
    });
    expect(await queries.inventory.bySku('SKU-01')).toEqual({
      sku: 'SKU-01',
      onHand: 10,
      reserved: 3,
      available: 7,
      threshold: 5,
      thresholdSet: false,
      low: false,
      updatedAt: 42,
    });
    expect(await queries.inventory.bySku('SKU-nope')).toBeNull();
  });
});

describe('sales', () => {
  const fact = (
    orderId: string,
    state: string,
    confirmedAt: string | null,
    lines: { sku: string; quantity: number; amount: number }[],
    refund?: { at: string; amount: number },
  ) => ({
    _id: orderId,
    orderId,
    customerId: 'c1',
    state,
    currency: 'EUR',
    total: eur(lines.reduce((sum, l) => sum + l.amount, 0)),
    lines,
    confirmedAt: confirmedAt === null ? null : utc(confirmedAt),
    day: confirmedAt === null ? null : confirmedAt.slice(0, 10),
    refundedAt: refund ? utc(refund.at) : null,
    refundAmount: refund?.amount ?? null,
    _v: { orders: 5 },
  });

  beforeAll(async () => {
    await db.collection('sales__g1').insertMany([
      fact('s1', 'confirmed', '2024-03-01T09:00:00Z', [{ sku: 'SKU-01', quantity: 1, amount: 1000 }]),
      fact('s2', 'confirmed', '2024-03-01T23:59:59Z', [
        { sku: 'SKU-03', quantity: 2, amount: 2000 },
        { sku: 'SKU-01', quantity: 1, amount: 1000 },
      ]),
      // Confirmed in the range, partly refunded on the next day.
      fact('s3', 'refunded', '2024-03-02T10:00:00Z', [{ sku: 'SKU-05', quantity: 1, amount: 500 }], {
        at: '2024-03-03T10:00:00Z',
        amount: 200,
      }),
      // Confirmed before the range, refunded inside it.
      fact('s4', 'refunded', '2024-02-20T10:00:00Z', [{ sku: 'SKU-06', quantity: 1, amount: 700 }], {
        at: '2024-03-01T08:00:00Z',
        amount: 700,
      }),
      fact('s5', 'confirmed', '2024-02-29T23:59:59Z', [{ sku: 'SKU-06', quantity: 9, amount: 9999 }]),
      fact('s6', 'confirmed', '2024-03-04T00:00:00Z', [{ sku: 'SKU-06', quantity: 9, amount: 9999 }]),
      fact('s7', 'cancelled', '2024-03-02T11:00:00Z', [{ sku: 'SKU-06', quantity: 1, amount: 12_345 }]),
      fact('s8', 'open', null, [{ sku: 'SKU-06', quantity: 1, amount: 777 }]),
    ] as never[]);
  });

  it('reports each day of the range: confirmations on their day, refunds on the refund day', async () => {
    expect(await queries.sales.perDay({ from: '2024-03-01', to: '2024-03-03' })).toEqual([
      { day: '2024-03-01', orders: 2, revenue: eur(4000), refunds: eur(700), net: eur(3300) },
      { day: '2024-03-02', orders: 1, revenue: eur(500), refunds: eur(0), net: eur(500) },
      { day: '2024-03-03', orders: 0, revenue: eur(0), refunds: eur(200), net: eur(-200) },
    ]);
  });

  it('reports units and revenue per SKU of the orders confirmed in the range', async () => {
    expect(await queries.sales.perSku({ from: '2024-03-01', to: '2024-03-03' })).toEqual([
      { sku: 'SKU-01', quantity: 2, revenue: eur(2000) },
      { sku: 'SKU-03', quantity: 2, revenue: eur(2000) },
      { sku: 'SKU-05', quantity: 1, revenue: eur(500) },
    ]);
    expect(await queries.sales.perSku({ from: '2023-01-01', to: '2023-01-31' })).toEqual([]);
  });
});

describe('bad input', () => {
  const rejectsWith = async (promise: Promise<unknown>, code: string) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(QueryInputError);
    expect((err as QueryInputError).code).toBe(code);
  };

  it('is a QueryInputError with a stable code', async () => {
    const byName = await queries.products.search({ limit: 1 });
    await rejectsWith(queries.products.search({ limit: 0 }), 'invalid_limit');
    await rejectsWith(queries.products.search({ limit: 101 }), 'invalid_limit');
    await rejectsWith(queries.products.search({ cursor: 'not-a-cursor' }), 'invalid_cursor');
    await rejectsWith(queries.products.search({ sort: 'newest', cursor: byName.nextCursor! }), 'invalid_cursor');
    await rejectsWith(queries.products.search({ sort: 'cheapest' as never }), 'invalid_sort');
    await rejectsWith(queries.products.search({ minPrice: 500, maxPrice: 100 }), 'invalid_price_range');
    await rejectsWith(queries.products.byId(''), 'invalid_id');
    await rejectsWith(queries.orders.byCustomer('c1', { cursor: byName.nextCursor! }), 'invalid_cursor');
    await rejectsWith(queries.orders.byCustomer('c1', { limit: 1000 }), 'invalid_limit');
    await rejectsWith(queries.sales.perDay({ from: '2024-03-05', to: '2024-03-01' }), 'invalid_date_range');
    await rejectsWith(queries.sales.perDay({ from: '2024-02-30', to: '2024-03-01' }), 'invalid_date_range');
    await rejectsWith(queries.sales.perSku({ from: 'yesterday', to: '2024-03-01' }), 'invalid_date_range');
    await rejectsWith(queries.sales.perSku({ from: '2020-01-01', to: '2024-03-01' }), 'invalid_date_range');
  });
});

describe('generations', () => {
  beforeAll(async () => {
    await db
      .collection('products__g2')
      .insertOne({ ...product('SKU-01', 'Trail Runner II', 'Rebuilt', 'shoes', 9999, 100) } as never);
    await db.collection('inventory__g2').insertOne({
      _id: 'SKU-01' as never,
      sku: 'SKU-01',
      onHand: 50,
      reserved: 0,
      available: 50,
      updatedAt: 43,
      version: 9,
      _v: { inventory: 9 },
    });
  });

  it('follows the control document when Redis has no mirror, and the mirror when it has one', async () => {
    // Both generation 1 answers are cached by now; generation 2 must not be served from them.
    expect((await queries.products.byId('p-SKU-01'))?.name).toBe('Trail Runner');
    expect((await queries.inventory.bySku('SKU-01'))?.onHand).toBe(10);

    await db.collection('projection_control').insertMany([
      { _id: 'products' as never, active: 2, next: 3, generations: [], handoff: null, lastError: null },
      { _id: 'inventory' as never, active: 2, next: 3, generations: [], handoff: null, lastError: null },
    ]);
    expect(await queries.generation('products')).toBe(2);
    expect((await queries.products.byId('p-SKU-01'))?.name).toBe('Trail Runner II');
    expect((await queries.products.search({ q: 'trail' })).items.map((p) => p.name)).toEqual(['Trail Runner II']);
    expect(await queries.products.categories()).toEqual([{ category: 'shoes', count: 1 }]);
    expect((await queries.inventory.bySku('SKU-01'))?.onHand).toBe(50);

    // The Redis mirror is read first: an operator switching back is followed at once.
    await cache.setActiveGeneration('products', 1);
    expect(await queries.generation('products')).toBe(1);
    expect((await queries.products.byId('p-SKU-01'))?.name).toBe('Trail Runner');
    expect((await queries.products.search({ q: 'trail' })).items.map((p) => p.sku).sort()).toEqual([
      'SKU-01',
      'SKU-02',
    ]);
    await cache.setActiveGeneration('products', 2);
    expect((await queries.products.byId('p-SKU-01'))?.name).toBe('Trail Runner II');
  });
});
