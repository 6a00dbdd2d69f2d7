/**
 * CSV import of products end to end, on the real platform in a namespace (command services and gateway in dev mode;
 * what an import did is read from catalog.events, the audit trail): a generated file of 1,000 products with three bad rows imports 997 and reports the three
 * rows and reasons, through POST /api/admin/products/import and through the `streamshop catalog import` binary; a
 * re-import of the same file changes nothing (no new catalog event); a shopper gets 403 and a missing key 400.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productIdFor } from '@streamshop/catalog-service';
import { topicOffsets } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import { createNamespace, eventually, fastConsumer } from '@streamshop/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../src/platform.ts';
import { cli } from './cli-process.fixture.ts';

const ns = createNamespace(import.meta.url);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' });
let platform: Platform;
let dir: string;
let admin: string;
let shopper: string;
/** Every catalog event of the namespace by product id, decoded, as a read_committed consumer sees them. */
const eventsByProduct = new Map<string, { type: string; value: Record<string, unknown> }[]>();
let stopWatching: () => Promise<void>;

/** 1,000 product rows under `prefix`, three of them bad: row 102 a comma price, row 502 a lower-case SKU, row 902 a
 * SKU already on row 2. Names hold commas and quotes, so the quoting is exercised too. */
function thousandProducts(prefix: string): string {
  const lines = ['sku,name,description,category,price,currency,imageUrl'];
  for (let i = 0; i < 1000; i++) {
    const sku = `${prefix}-${String(i).padStart(4, '0')}`;
    let price = `${1 + (i % 50)}.${String(i % 100).padStart(2, '0')}`;
    let skuCell = sku;
    if (i === 100) price = '"12,50"';
    if (i === 500) skuCell = sku.toLowerCase();
    if (i === 900) skuCell = `${prefix}-0000`;
    lines.push(`${skuCell},"Item ${i}, ""boxed""",Made for test ${i},imports,${price},EUR,/products/${sku}.svg`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

function expectThreeBadRows(failed: { row: number; sku?: string; errors: string[] }[], prefix: string) {
  expect(failed.map((f) => f.row)).toEqual([102, 502, 902]);
  expect(failed[0]!.errors.join()).toMatch(/price "12,50" is not a decimal number with a dot/);
  expect(failed[1]!.errors.join()).toMatch(/must be 1-64 capital letters/);
  expect(failed[2]).toMatchObject({ sku: `${prefix}-0000`, errors: [expect.stringMatching(/is also on row 2/)] });
}

async function login(userId: string): Promise<string> {
  const res = await fetch(`${platform.url}/api/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const importCsv = (csv: string, token: string, key?: string) =>
  fetch(`${platform.url}/api/admin/products/import`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'text/csv',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: csv,
  });

/** Records on catalog.events so far (the sum of the partitions' end offsets). */
async function catalogEventOffsets(): Promise<number> {
  const admin = await ns.admin();
  const offsets = await topicOffsets(admin, topicName('catalog.events', ns.topicPrefix));
  return offsets.reduce((sum, p) => sum + Number(p.offset), 0);
}

/** The catalog events of `sku`'s product seen so far. */
const eventsOf = (sku: string) => eventsByProduct.get(productIdFor(sku)) ?? [];

/** Reads catalog.events from the start for the whole file, decoding each record. */
async function watchCatalogEvents(): Promise<() => Promise<void>> {
  const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  const consumer = ns.kafka.consumer({ groupId: `${ns.id}-catalog-events`, readUncommitted: false, ...fastConsumer });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName('catalog.events', ns.topicPrefix), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.key || !message.value) return;
      const decoded = (await serde.decode(message.value)) as unknown as {
        type: string;
        value: Record<string, unknown>;
      };
      const key = message.key.toString();
      eventsByProduct.set(key, [...(eventsByProduct.get(key) ?? []), decoded]);
    },
  });
  return () => consumer.disconnect();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'catalog-import-'));
  platform = await startPlatform(ns.config, {
    prefix: ns.topicPrefix,
    port: 0,
    logger,
    seed: false,
    storefront: 'skip',
  });
  stopWatching = await watchCatalogEvents();
  admin = await login('user_demo_admin');
  shopper = await login('user_demo_shopper');
});

afterAll(async () => {
  await stopWatching?.();
  await platform?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  await ns.cleanup();
});

describe('POST /api/admin/products/import', () => {
  const csv = thousandProducts('GW');

  it('refuses a shopper (403) and a request without an Idempotency-Key (400)', async () => {
    expect((await importCsv(csv, shopper, 'import-key-shopper')).status).toBe(403);
    const res = await importCsv(csv, admin);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('refuses a file without the header it expects as invalid_csv (422), naming the header', async () => {
    const res = await importCsv('sku,name,prce\nA-1,x,1\n', admin, 'import-key-bad-header');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'invalid_csv', detail: expect.stringMatching(/"prce"/) });
  });

  it('imports 997 of 1,000 rows and reports the three bad rows with their reasons', async () => {
    const res = await importCsv(csv, admin, 'import-key-gw-1');
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      rows: number;
      imported: number;
      unchanged: number;
      failed: { row: number; sku?: string; errors: string[] }[];
      pending: unknown[];
    };
    expect(report).toMatchObject({ rows: 1000, imported: 997, unchanged: 0, pending: [] });
    expectThreeBadRows(report.failed, 'GW');
  }, 300_000);

  it('creates each product with the row as written, the admin named on its event', async () => {
    await eventually(() => expect(eventsOf('GW-0999')).toHaveLength(1), { message: 'GW-0999 was created' });
    expect(eventsOf('GW-0007')).toEqual([
      {
        type: 'streamshop.catalog.ProductCreated',
        value: expect.objectContaining({
          sku: 'GW-0007',
          name: 'Item 7, "boxed"',
          description: 'Made for test 7',
          category: 'imports',
          price: { amount: 807, currency: 'EUR' },
          imageUrl: '/products/GW-0007.svg',
          actorId: 'user_demo_admin',
        }),
      },
    ]);
    expect(eventsOf('gw-0500')).toEqual([]);
  });

  it('a retry with the same key and file is the same commands: the same report, no new event', async () => {
    const before = await catalogEventOffsets();
    const res = await importCsv(csv, admin, 'import-key-gw-1');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 1000, imported: 997, unchanged: 0 });
    expect(await catalogEventOffsets()).toBe(before);
  }, 300_000);

  it('the same key with another file is idempotency_key_reused (422)', async () => {
    const res = await importCsv(thousandProducts('GX'), admin, 'import-key-gw-1');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('a re-import of the same file (a new key) changes nothing: every product unchanged, no new catalog event', async () => {
    const before = await catalogEventOffsets();
    const res = await importCsv(csv, admin, 'import-key-gw-2');
    expect(res.status).toBe(200);
    const report = (await res.json()) as { imported: number; unchanged: number; failed: { row: number }[] };
    expect(report).toMatchObject({ rows: 1000, imported: 0, unchanged: 997, pending: [] });
    expect(report.failed.map((f) => f.row)).toEqual([102, 502, 902]);
    expect(await catalogEventOffsets()).toBe(before);
  }, 300_000);

  it('a changed row is applied by the next import, the rest unchanged', async () => {
    const changed = csv
      .replace('Item 7, ""boxed""', 'Item 7 renamed')
      .replace(/^(GW-0008,[^\r]*?),9\.08,/m, '$1,9.99,');
    const res = await importCsv(changed, admin, 'import-key-gw-3');
    expect(await res.json()).toMatchObject({ imported: 2, unchanged: 995 });
    await eventually(
      () => {
        expect(eventsOf('GW-0007').map((e) => e.type)).toEqual([
          'streamshop.catalog.ProductCreated',
          'streamshop.catalog.ProductDetailsUpdated',
        ]);
        expect(eventsOf('GW-0008').at(-1)).toMatchObject({
          type: 'streamshop.catalog.ProductPriceChanged',
          value: { previousPrice: { amount: 908 }, price: { amount: 999 }, actorId: 'user_demo_admin' },
        });
      },
      { message: 'the two changed rows are on the catalog events' },
    );
    expect(eventsOf('GW-0007')[1]!.value).toMatchObject({ name: 'Item 7 renamed' });
  }, 300_000);
});

describe('streamshop catalog import', () => {
  it('imports 997 of 1,000 rows through the binary, reports the three rows (exit 1), and a re-run changes nothing', async () => {
    const file = join(dir, 'products.csv');
    await writeFile(file, thousandProducts('CLI'));

    const dry = await cli(['catalog', 'import', file, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(1);
    expect(JSON.parse(dry.stdout)).toMatchObject({ rows: 1000, imported: 0, dryRun: true });

    const first = await cli(['catalog', 'import', file, '--url', platform.url, '--json', '--batch', '300']);
    expect(first.code, first.stderr).toBe(1);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ rows: 1000, imported: 997, unchanged: 0, pending: [] });
    expectThreeBadRows(report.failed, 'CLI');

    const before = await catalogEventOffsets();
    const again = await cli(['catalog', 'import', file, '--url', platform.url]);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout, again.stderr).toContain(`${file}: 1000 rows, 0 imported, 997 unchanged, 3 failed`);
    expect(again.stdout).toMatch(/row 502 \(cli-0500\): sku "cli-0500" must be/);
    expect(await catalogEventOffsets()).toBe(before);
  }, 600_000);
});
