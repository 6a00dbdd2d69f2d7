/**
 * The admin's queries through the gateway, over read models folded by the real projection workers from real events
 * on Kafka (users, catalog, inventory, orders), not documents written by hand: a shopper gets 403 on every one, the
 * order list's filters, sort and paging really filter, sort and page, the stock lists follow the low-stock
 * thresholds, the dashboard adds up the range, customers are found by name or e-mail, and a shopper's order names its
 * lines' products (a rename shows at once) with the refunds and the shipment.
 */
import { randomUUID } from 'node:crypto';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startProjections } from '@streamshop/projections/main';
import { AvroSerde } from '@streamshop/schemas';
import type { TopicName } from '@streamshop/schemas/topics';
import { createNamespace, eventually } from '@streamshop/testkit';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import { clerkInstance, fastConsumer, logger, startTestGateway, withConfig } from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
let gateway: GatewayRunnable;
let projections: Runnable;
let admin: string;
let shopper: string;

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const at = (iso: string) => Date.parse(iso);
const versions = new Map<string, number>();

interface Draft {
  topic: TopicName;
  type: string;
  id: string;
  at: number;
  value: object;
}

/** An event as its service appends it: the envelope (next version of its aggregate) and the payload. */
function envelope(d: Draft) {
  const version = (versions.get(d.id) ?? 0) + 1;
  versions.set(d.id, version);
  return {
    topic: d.topic,
    type: d.type,
    key: d.id,
    value: {
      eventId: randomUUID(),
      aggregateId: d.id,
      aggregateVersion: version,
      occurredAt: d.at,
      correlationId: d.id,
      causationId: randomUUID(),
      actorId: null,
      ...d.value,
    },
  };
}

async function produce(drafts: Draft[]) {
  const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  const producer = ns.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (const e of drafts.map(envelope)) {
      const value = await serde.encode(e.topic, e.type as never, e.value as never);
      await producer.send({ topic: ns.topic(e.topic), messages: [{ key: e.key, value }], acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

const user = (id: string, name: string | null, email: string, sentAt: number): Draft => ({
  topic: 'users.events',
  type: 'streamshop.users.UserProfileRecorded',
  id,
  at: sentAt,
  value: { svixId: `msg_${id}`, sentAt, name, email, imageUrl: null, role: 'shopper' },
});

const product = (sku: string, name: string, imageUrl: string): Draft => ({
  topic: 'catalog.events',
  type: 'streamshop.catalog.ProductCreated',
  id: `prod_${sku}`,
  at: at('2026-03-01T08:00:00Z'),
  value: { sku, name, description: name, category: 'kitchen', price: EUR(1000), imageUrl },
});

const levels = (onHand: number, reserved = 0) => ({ onHand, reserved, available: onHand - reserved });
const stock = (sku: string, quantity: number): Draft => ({
  topic: 'inventory.events',
  type: 'streamshop.inventory.StockReceived',
  id: sku,
  at: at('2026-03-01T09:00:00Z'),
  value: { quantity, reference: 'delivery-1', levels: levels(quantity) },
});
const threshold = (sku: string, value: number, onHand: number): Draft => ({
  topic: 'inventory.events',
  type: 'streamshop.inventory.LowStockThresholdSet',
  id: sku,
  at: at('2026-03-01T09:30:00Z'),
  value: { threshold: value, previousThreshold: 0, levels: levels(onHand) },
});

const ADDRESS = {
  name: 'Ada',
  line1: '1 Rue',
  line2: null,
  postalCode: '75001',
  city: 'Paris',
  region: null,
  country: 'FR',
};

/** An order placed at `placedAt`, taken as far as `until` (each step a minute later). */
function order(
  id: string,
  customerId: string,
  placedAt: string,
  lines: { sku: string; quantity: number; unit: number }[],
  until: 'placed' | 'confirmed' | 'shipped',
): Draft[] {
  const t0 = at(placedAt);
  const total = EUR(lines.reduce((n, l) => n + l.quantity * l.unit, 0));
  const o = (type: string, value: object, step: number): Draft => ({
    topic: 'orders.events',
    type: `streamshop.orders.${type}`,
    id,
    at: t0 + step * 60_000,
    value,
  });
  const placed = o(
    'OrderPlaced',
    {
      customerId,
      lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: EUR(l.unit) })),
      shippingAddress: ADDRESS,
      currency: 'EUR',
      total,
      paymentProvider: 'stripe',
    },
    0,
  );
  if (until === 'placed') return [placed];
  const paymentId = `pay_${id}`;
  const confirmed = [
    placed,
    ...lines.map((l, line) => o('OrderLineReserved', { line, sku: l.sku, quantity: l.quantity }, 1)),
    o('OrderPaymentRequested', { paymentId, provider: 'stripe', amount: total, deadline: t0 + 3_600_000 }, 2),
    o('OrderPaid', { paymentId, amount: total, providerReference: `pi_${id}` }, 3),
    o('OrderConfirmed', {}, 4),
  ];
  if (until === 'confirmed') return confirmed;
  return [...confirmed, o('OrderShipped', { carrier: 'DHL', trackingNumber: `TRK-${id}` }, 5)];
}

const refund = (id: string, amount: number, when: string, lines: { line: number; quantity: number }[]): Draft => ({
  topic: 'orders.events',
  type: 'streamshop.orders.OrderRefunded',
  id,
  at: at(when),
  value: { amount: EUR(amount), reason: 'damaged', lines, restock: false, actorId: 'user_admin' },
});

beforeAll(async () => {
  const clerk = await clerkInstance();
  // The wait below polls the gateway; the rate limiter (api.int.test.ts tests it) must not answer it 429.
  const rateLimit = { perMinute: 100_000, commandsPerMinute: 100_000, loginsPerMinute: 100_000 };
  gateway = await startTestGateway(
    ns,
    withConfig(ns.config, { clerk: { jwtKey: clerk.jwtKey }, gateway: { ...ns.config.gateway, rateLimit } }),
  );
  projections = startProjections(ns.config, {
    prefix: ns.topicPrefix,
    database: ns.database,
    redisPrefix: ns.redisPrefix,
    logger,
    consumer: fastConsumer,
  });
  await projections.start();
  [admin, shopper] = await Promise.all([clerk.token('user_admin', { role: 'admin' }), clerk.token('user_ada')]);

  await produce([
    user('user_ada', 'Ada Lovelace', 'ada@analytical.test', at('2026-01-01T00:00:00Z')),
    user('user_bob', 'Bob Builder', 'bob@builders.test', at('2026-01-02T00:00:00Z')),
    user('user_cy', null, 'cy@example.org', at('2026-01-03T00:00:00Z')),
    product('SKU-MUG', 'Stoneware Mug', 'https://img.test/mug.jpg'),
    product('SKU-POT', 'Tea Pot', 'https://img.test/pot.jpg'),
    stock('SKU-MUG', 20),
    stock('SKU-POT', 3), // low at the default threshold (5)
    stock('SKU-TEA', 8),
    threshold('SKU-TEA', 10, 8), // low at its own threshold
    stock('SKU-BULK', 1),
    threshold('SKU-BULK', 0, 1), // 0: never low
    ...order('o-ada-1', 'user_ada', '2026-03-02T10:00:00Z', [{ sku: 'SKU-MUG', quantity: 2, unit: 1000 }], 'shipped'),
    ...order('o-ada-2', 'user_ada', '2026-03-03T10:00:00Z', [{ sku: 'SKU-POT', quantity: 1, unit: 3000 }], 'placed'),
    ...order(
      'o-bob-1',
      'user_bob',
      '2026-03-03T12:00:00Z',
      [
        { sku: 'SKU-MUG', quantity: 1, unit: 1000 },
        { sku: 'SKU-POT', quantity: 1, unit: 3000 },
      ],
      'confirmed',
    ),
    ...order('o-cy-1', 'user_cy', '2026-03-04T09:00:00Z', [{ sku: 'SKU-MUG', quantity: 5, unit: 1000 }], 'confirmed'),
    refund('o-ada-1', 1000, '2026-03-04T15:00:00Z', [{ line: 0, quantity: 1 }]),
  ]);

  // Everything folded: the last event of each model shows through the gateway.
  await eventually(
    async () => {
      const o = await get('/api/admin/orders/o-ada-1');
      const c = await get('/api/admin/customers/user_cy');
      const s = await get('/api/admin/inventory/SKU-BULK');
      const p = await get('/api/products?q=tea');
      return (
        o.json().refundStatus === 'partial' &&
        c.statusCode === 200 &&
        s.json().thresholdSet === true &&
        p.json().items?.length === 1 &&
        (await get('/api/admin/orders/o-cy-1')).json().status === 'confirmed'
      );
    },
    { timeoutMs: 90_000, intervalMs: 500, message: 'read models folded' },
  );
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), projections?.stop()]);
  await ns.cleanup();
});

function get(url: string, token = admin) {
  return gateway.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}
const ids = async (url: string) => ((await get(url)).json().items as { id: string }[]).map((o) => o.id);

describe('admin queries', () => {
  it('answer a shopper 403 and no caller 401, on every route', async () => {
    for (const url of [
      '/api/admin/orders',
      '/api/admin/stock',
      '/api/admin/stock/low',
      '/api/admin/dashboard?from=2026-03-01&to=2026-03-31',
      '/api/admin/customers',
      '/api/admin/customers/user_ada',
      '/api/admin/customers/user_ada/orders',
    ]) {
      const asShopper = await get(url, shopper);
      expect(asShopper.statusCode, url).toBe(403);
      expect(asShopper.headers['content-type']).toMatch(/application\/problem\+json/);
      const anonymous = await gateway.app.inject({ method: 'GET', url });
      expect(anonymous.statusCode, url).toBe(401);
    }
  });

  it('list orders newest first, each with its customer, and filter by status, customer, dates and text', async () => {
    const all = await get('/api/admin/orders');
    expect(all.statusCode).toBe(200);
    const items = all.json().items;
    expect(items.map((o: { id: string }) => o.id)).toEqual(['o-cy-1', 'o-bob-1', 'o-ada-2', 'o-ada-1']);
    expect(items[3]).toMatchObject({
      id: 'o-ada-1',
      customer: { name: 'Ada Lovelace', email: 'ada@analytical.test' },
      status: 'shipped',
      total: EUR(2000),
      refunded: EUR(1000),
      refundStatus: 'partial',
      items: 2,
      placedAt: '2026-03-02T10:00:00.000Z',
    });

    expect(await ids('/api/admin/orders?status=confirmed')).toEqual(['o-cy-1', 'o-bob-1']);
    expect(await ids('/api/admin/orders?customerId=user_ada')).toEqual(['o-ada-2', 'o-ada-1']);
    expect(await ids('/api/admin/orders?from=2026-03-03&to=2026-03-03')).toEqual(['o-bob-1', 'o-ada-2']);
    expect(await ids('/api/admin/orders?from=2026-03-04')).toEqual(['o-cy-1']);
    // Free text: part of the customer's e-mail (any case), or of the order id.
    expect(await ids('/api/admin/orders?q=BUILDERS.test')).toEqual(['o-bob-1']);
    expect(await ids('/api/admin/orders?q=ada-2')).toEqual(['o-ada-2']);
    expect(await ids('/api/admin/orders?q=cy%40example&status=placed')).toEqual([]);
  });

  it('sort orders by total and page through them with the cursor', async () => {
    expect(await ids('/api/admin/orders?sort=total_desc')).toEqual(['o-cy-1', 'o-bob-1', 'o-ada-2', 'o-ada-1']);
    expect(await ids('/api/admin/orders?sort=total_asc')).toEqual(['o-ada-1', 'o-ada-2', 'o-bob-1', 'o-cy-1']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/api/admin/orders?sort=placed_asc&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items.map((o: { id: string }) => o.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(['o-ada-1', 'o-ada-2', 'o-bob-1', 'o-cy-1']);

    const first = (await get('/api/admin/orders?sort=placed_asc&limit=3')).json();
    const wrongSort = await get(`/api/admin/orders?sort=total_asc&cursor=${first.nextCursor}`);
    expect(wrongSort.statusCode).toBe(400);
    expect(wrongSort.json().code).toBe('invalid_cursor');
    const backwards = await get('/api/admin/orders?from=2026-03-05&to=2026-03-01');
    expect(backwards.json().code).toBe('invalid_date_range');
    expect((await get('/api/admin/orders?status=lost')).statusCode).toBe(400);
  });

  it('list the stock by SKU with products and thresholds, and the low ones fewest available first', async () => {
    const page = (await get('/api/admin/stock')).json();
    expect(page.items.map((s: { sku: string }) => s.sku)).toEqual(['SKU-BULK', 'SKU-MUG', 'SKU-POT', 'SKU-TEA']);
    expect(page.items[1]).toMatchObject({
      sku: 'SKU-MUG',
      onHand: 20,
      available: 20,
      threshold: 5,
      thresholdSet: false,
      low: false,
      product: { id: 'prod_SKU-MUG', name: 'Stoneware Mug', imageUrl: 'https://img.test/mug.jpg' },
    });
    const low = (await get('/api/admin/stock/low')).json();
    expect(
      low.items.map((s: { sku: string; available: number; threshold: number }) => [s.sku, s.available, s.threshold]),
    ).toEqual([
      ['SKU-POT', 3, 5],
      ['SKU-TEA', 8, 10],
    ]);
    const firstOfTwo = (await get('/api/admin/stock/low?limit=1')).json();
    expect(firstOfTwo.items.map((s: { sku: string }) => s.sku)).toEqual(['SKU-POT']);
    const second = (await get(`/api/admin/stock/low?limit=1&cursor=${firstOfTwo.nextCursor}`)).json();
    expect(second).toMatchObject({ items: [{ sku: 'SKU-TEA' }], nextCursor: null });
  });

  it('add up the dashboard: revenue net of refunds per day, orders, average order value, top SKUs', async () => {
    const res = await get('/api/admin/dashboard?from=2026-03-02&to=2026-03-04');
    expect(res.statusCode).toBe(200);
    const d = res.json();
    // Confirmed: o-ada-1 (2000) on 03-02, o-bob-1 (4000) on 03-03, o-cy-1 (5000) on 03-04; 1000 refunded on 03-04.
    expect(d.perDay).toEqual([
      { day: '2026-03-02', orders: 1, revenue: EUR(2000), refunds: EUR(0), net: EUR(2000) },
      { day: '2026-03-03', orders: 1, revenue: EUR(4000), refunds: EUR(0), net: EUR(4000) },
      { day: '2026-03-04', orders: 1, revenue: EUR(5000), refunds: EUR(1000), net: EUR(4000) },
    ]);
    expect(d).toMatchObject({
      orders: 3,
      revenue: EUR(11000),
      refunds: EUR(1000),
      net: EUR(10000),
      averageOrderValue: EUR(3667),
    });
    expect(d.topSkusByRevenue).toEqual([
      { sku: 'SKU-MUG', quantity: 8, revenue: EUR(8000) },
      { sku: 'SKU-POT', quantity: 1, revenue: EUR(3000) },
    ]);
    expect(d.topSkusByUnits.map((s: { sku: string }) => s.sku)).toEqual(['SKU-MUG', 'SKU-POT']);
  });

  it('find customers by name or e-mail, sorted by name, and show one with their order totals and orders', async () => {
    const names = async (url: string) =>
      ((await get(url)).json().items as { id: string }[]).map((c) => c.id).filter((id) => id.startsWith('user_'));
    expect(await names('/api/admin/customers')).toEqual(['user_ada', 'user_bob', 'user_cy']);
    expect(await names('/api/admin/customers?q=LOVELACE')).toEqual(['user_ada']);
    expect(await names('/api/admin/customers?q=example.org')).toEqual(['user_cy']);
    const paged = (await get('/api/admin/customers?limit=2')).json();
    expect(paged.nextCursor).not.toBeNull();
    expect(await names(`/api/admin/customers?limit=2&cursor=${paged.nextCursor}`)).toEqual(['user_cy']);

    const ada = await get('/api/admin/customers/user_ada');
    expect(ada.json()).toMatchObject({
      id: 'user_ada',
      name: 'Ada Lovelace',
      email: 'ada@analytical.test',
      firstSeenAt: '2026-01-01T00:00:00.000Z',
      stats: {
        orders: 2,
        paidOrders: 1,
        spent: EUR(1000),
        refunded: EUR(1000),
        firstOrderAt: '2026-03-02T10:00:00.000Z',
        lastOrderAt: '2026-03-03T10:00:00.000Z',
      },
    });
    const orders = (await get('/api/admin/customers/user_ada/orders')).json();
    expect(orders.items.map((o: { id: string }) => o.id)).toEqual(['o-ada-2', 'o-ada-1']);
    const missing = await get('/api/admin/customers/user_nobody');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('customer_not_found');
  });
});

describe("a shopper's order", () => {
  it('names each line’s product with its image, and shows the shipment and the refunds', async () => {
    const res = await get('/api/orders/o-ada-1', shopper);
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o.lines).toEqual([
      expect.objectContaining({
        sku: 'SKU-MUG',
        quantity: 2,
        name: 'Stoneware Mug',
        imageUrl: 'https://img.test/mug.jpg',
        refundedQuantity: 1,
      }),
    ]);
    expect(o).toMatchObject({
      status: 'shipped',
      shipment: { carrier: 'DHL', trackingNumber: 'TRK-o-ada-1' },
      refund: { amount: EUR(1000), reason: 'damaged' },
      refundStatus: 'partial',
      refunds: [
        {
          amount: EUR(1000),
          reason: 'damaged',
          lines: [{ line: 0, quantity: 1 }],
          restock: false,
          actorId: 'user_admin',
          at: '2026-03-04T15:00:00.000Z',
        },
      ],
    });
  });

  it('shows a renamed product’s new name at once', async () => {
    await produce([
      {
        topic: 'catalog.events',
        type: 'streamshop.catalog.ProductDetailsUpdated',
        id: 'prod_SKU-MUG',
        at: at('2026-03-05T08:00:00Z'),
        value: {
          name: 'Stoneware Mug XL',
          description: 'bigger',
          category: 'kitchen',
          imageUrl: 'https://img.test/mug-xl.jpg',
        },
      },
    ]);
    await eventually(
      async () => {
        const line = (await get('/api/orders/o-ada-1', shopper)).json().lines[0];
        expect(line).toMatchObject({ name: 'Stoneware Mug XL', imageUrl: 'https://img.test/mug-xl.jpg' });
      },
      { timeoutMs: 60_000, message: 'the rename on the order' },
    );
  });
});
