/**
 * What a cached read costs the gateway in Redis, and that answering the active generation from memory still follows
 * a switch: a cached `GET /api/products/:id` sends its rate-limit count and one MGET (key and invalidation counter),
 * never a GET of the active-generation mirror; a switch announced by `setActiveGeneration` is followed as soon as
 * its notice arrives, and a mirror changed without a notice once the answer held in memory is older than its max
 * age (docs/performance.md, "Gateway"). The first two run on a gateway whose max age outlasts the test, so only the
 * notice can move it.
 */
import { createReadCache, DEFAULT_ACTIVE_GENERATION_MAX_AGE_MS, readModelKeys } from '@streamshop/read-cache';
import { createNamespace, eventually } from '@streamshop/testkit';
import type { Db } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import { activateGeneration1, productDoc, redisCommandsDuring, startTestGateway } from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
const keys = readModelKeys(ns.redisPrefix);
let gateway: GatewayRunnable;
/** Trusts what it holds for a minute: within a test, only a control notice can move it. */
let patient: GatewayRunnable;
let db: Db;

beforeAll(async () => {
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['products']);
  await db.collection('products__g1').insertOne(productDoc('SKU-RP', 1200, { name: 'Generation one' }) as never);
  await db.collection('products__g2').insertOne(productDoc('SKU-RP', 1200, { name: 'Generation two' }) as never);
  gateway = await startTestGateway(ns, ns.config);
  patient = await startTestGateway(ns, ns.config, { activeGenerationMaxAgeMs: 60_000 });
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), patient?.stop()]);
  await ns.cleanup();
});

const productName = async (via = patient) => {
  const res = await fetch(`${via.url}/api/products/prod_SKU-RP`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { name: string }).name;
};

describe('a cached product read', () => {
  it('costs its rate-limit count and one MGET in Redis, not a read of the active generation', async () => {
    expect(await productName()).toBe('Generation one'); // loaded from MongoDB and cached
    const requests = 10;
    const commands = await redisCommandsDuring(ns, async () => {
      for (let i = 0; i < requests; i++) expect(await productName()).toBe('Generation one');
    });
    const named = (name: string) => commands.filter(([command]) => command?.toLowerCase() === name);
    const productKey = keys.item('products', 1, 'id', 'prod_SKU-RP');

    expect(named('mget').map(([, key]) => key)).toEqual(Array(requests).fill(productKey));
    expect(commands.filter((args) => args.includes(keys.active('products')))).toEqual([]);
    // One script call per turn of the event loop counts the limiter; requests one after another get one each.
    expect(commands.length).toBeLessThanOrEqual(2 * requests);
  });

  it('follows a switch as soon as its notice arrives', async () => {
    expect(await productName()).toBe('Generation one');
    const cache = createReadCache({ redis: ns.redis(), prefix: ns.redisPrefix, logger: pino({ level: 'silent' }) });
    await cache.setActiveGeneration('products', 2);
    await eventually(async () => expect(await productName()).toBe('Generation two'), {
      timeoutMs: 2_000,
      message: 'the gateway did not follow the switch announced on the control channel',
    });
  });

  it('follows a mirror changed without a notice once its in-memory answer is older than the max age', async () => {
    expect(await productName(gateway)).toBe('Generation two');
    await ns.redis().set(keys.active('products'), '1'); // no PUBLISH: no notice for the gateways
    await eventually(async () => expect(await productName(gateway)).toBe('Generation one'), {
      timeoutMs: DEFAULT_ACTIVE_GENERATION_MAX_AGE_MS + 2_000,
      message: 'the gateway kept a generation past its max age',
    });
    expect(await productName(patient)).toBe('Generation two'); // what a lost notice costs: until the max age
  });
});
