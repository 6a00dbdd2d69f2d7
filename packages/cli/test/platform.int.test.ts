/**
 * README's first command, in a namespace: `startPlatform` brings up services, projections, the storefront and the
 * gateway on a free port, seeds the demo catalog and returns once it is listed; the catalog comes back through the
 * gateway with images that load; `stop()` leaves no listener and no consumer group member behind.
 */
import { DEMO_CATALOG } from '@streamshop/catalog-service/seed';
import { createNamespace, eventually } from '@streamshop/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../src/platform.ts';

const ns = createNamespace(import.meta.url);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' });
let platform: Platform;
const progress: string[] = [];

interface Product {
  sku: string;
  category: string;
  imageUrl: string | null;
  available: number;
  price: { amount: number; currency: string };
}

beforeAll(async () => {
  platform = await startPlatform(ns.config, {
    prefix: ns.topicPrefix,
    port: 0,
    logger,
    say: (line) => {
      progress.push(line);
      if (process.env.TEST_LOG_LEVEL) console.log(line);
    },
  });
});

afterAll(async () => {
  await platform?.stop();
  await ns.cleanup();
});

describe('startPlatform', () => {
  it('lists the seeded demo catalog through the gateway, with stock', async () => {
    const res = await fetch(`${platform.url}/api/products?limit=100`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Product[] };
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(new Set(items.map((p) => p.category)).size).toBeGreaterThanOrEqual(5);
    const bySku = new Map(items.map((p) => [p.sku, p]));
    for (const p of DEMO_CATALOG) expect(bySku.get(p.sku), p.sku).toMatchObject({ price: p.price });
    // Stock arrives through another projection input (inventory events) than the product itself.
    const stocked = DEMO_CATALOG.find((p) => p.stock > 10)!;
    await eventually(
      async () => {
        const page = (await (await fetch(`${platform.url}/api/products?limit=100`)).json()) as { items: Product[] };
        expect(page.items.find((p) => p.sku === stocked.sku)?.available).toBe(stocked.stock);
      },
      { message: `${stocked.sku} shows its ${stocked.stock} units` },
    );
    expect(progress.some((l) => l.includes(`${DEMO_CATALOG.length} created`))).toBe(true);
    expect(progress.some((l) => /^✓ storefront: (built|up to date)/.test(l))).toBe(true);
  });

  it('serves every product image and the storefront from the same origin', async () => {
    const res = await fetch(`${platform.url}/api/products?limit=100`);
    const { items } = (await res.json()) as { items: Product[] };
    for (const p of items) {
      expect(p.imageUrl, p.sku).toBe(`/products/${p.sku}.svg`);
      const image = await fetch(new URL(p.imageUrl!, platform.url));
      expect(image.status, p.imageUrl!).toBe(200);
      expect(image.headers.get('content-type'), p.imageUrl!).toMatch(/^image\/svg\+xml/);
      expect(await image.text()).toContain('<svg');
    }
    const page = await fetch(platform.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('stop() closes the gateway and leaves every consumer group of the namespace', async () => {
    const admin = await ns.admin();
    const ours = async () => (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(ns.id));
    const before = await ours();
    // Command services, projections and the gateway's reply waiter each run a group here.
    expect(before.length).toBeGreaterThanOrEqual(4);

    await platform.stop();

    await expect(fetch(`${platform.url}/api/products`)).rejects.toThrow();
    const { groups } = await admin.describeGroups(before);
    expect(groups.filter((g) => g.members.length > 0).map((g) => `${g.groupId}: ${g.state}`)).toEqual([]);
  });

  it('starts again on the same data (a second `npm start`): nothing seeded twice, the same catalog', async () => {
    progress.length = 0;
    platform = await startPlatform(ns.config, {
      prefix: ns.topicPrefix,
      port: 0,
      logger,
      say: (line) => progress.push(line),
    });
    expect(progress.some((l) => l.includes(`0 created, ${DEMO_CATALOG.length} already there`))).toBe(true);
    const { items } = (await (await fetch(`${platform.url}/api/products?limit=100`)).json()) as { items: Product[] };
    expect(items.map((p) => p.sku).sort()).toEqual(DEMO_CATALOG.map((p) => p.sku).sort());
  });
});
