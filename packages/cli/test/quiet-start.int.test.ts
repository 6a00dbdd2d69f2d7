/**
 * A healthy start and a healthy run print no ERROR (issue 10, item 9): the platform as `npm start` runs it, on a
 * fresh namespace (new topics, new registry subjects, new transactional ids, as on a fresh clone), walks the demo
 * journey — the three demo users sign in, each places three orders of three items at once, pays them with Stripe
 * test mode, and watches them confirm — and then stops. Every line the platform logged at error or above fails the test, with the line.
 *
 * Concurrent orders are the point: they are what makes the transaction coordinator answer CONCURRENT_TRANSACTIONS
 * and several services register the same reply subject at once, which kafkajs and the registry client logged as
 * errors although both are retried and end well.
 */
import { createNamespace, eventually } from '@streamshop/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../src/platform.ts';

const ns = createNamespace(import.meta.url);
const logged: { level: number; msg?: string; [k: string]: unknown }[] = [];
// Debug and up, so a failure shows what happened around the error line too.
const logger = pino({ level: 'debug' }, { write: (line: string) => logged.push(JSON.parse(line)) });
let platform: Platform | undefined;

beforeAll(async () => {
  platform = await startPlatform(ns.config, { prefix: ns.topicPrefix, port: 0, logger, storefront: 'skip' });
});

afterAll(async () => {
  await platform?.stop();
  await ns.cleanup();
});

/** Lines at error (50) or fatal (60), short enough to read in a failure. */
function errorLines(): string[] {
  return logged
    .filter((l) => l.level >= 50)
    .map(({ level, msg, err, error, kafkajs, service }) =>
      JSON.stringify({ level, msg, err, error, kafkajs, service }).slice(0, 400),
    );
}

async function api<T>(path: string, init: { method?: string; token?: string; body?: unknown; key?: string } = {}) {
  const res = await fetch(`${platform!.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as T };
}

/** One shopper's journey: sign in, place an order, pay it with Stripe test mode, wait until it is confirmed. */
async function buyAndPay(userId: string, skus: string[], n: number): Promise<string> {
  const login = await api<{ token: string }>('/api/dev/login', { method: 'POST', body: { userId } });
  expect(login.status, 'dev login').toBe(200);
  const token = login.body.token;
  const placed = await api<{ orderId: string }>('/api/orders', {
    method: 'POST',
    token,
    key: `${ns.id}-${userId}-${n}`,
    body: {
      lines: skus.map((sku) => ({ sku, quantity: 1 })),
      shippingAddress: {
        name: 'Sam Shopper',
        line1: '1 Rue de Rivoli',
        postalCode: '75001',
        city: 'Paris',
        country: 'FR',
      },
      paymentProvider: 'stripe',
    },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(202);
  const id = placed.body.orderId;
  const status = async () => (await api<{ status: string }>(`/api/orders/${id}`, { token })).body?.status;
  await eventually(async () => expect(await status()).toBe('payment_requested'), {
    message: `order ${id} waits for payment`,
  });
  expect((await api(`/api/orders/${id}/payment`, { method: 'POST', token, body: { provider: 'stripe' } })).status).toBe(
    200,
  );
  expect((await api(`/api/orders/${id}/payment/stripe/test-succeed`, { method: 'POST', token })).status).toBe(202);
  await eventually(async () => expect(await status()).toBe('confirmed'), { message: `order ${id} is confirmed` });
  return id;
}

describe('a healthy start and demo journey', () => {
  it('confirms every order and logs no line at error', async () => {
    const { body } = await api<{ items: { sku: string; available: number }[] }>('/api/products?limit=100');
    const stocked = body.items.filter((p) => p.available >= 10).map((p) => p.sku);
    expect(stocked.length).toBeGreaterThanOrEqual(9);

    // Nine orders at once, each reserving three SKUs (on several inventory partitions): a burst of transactions.
    const journeys = ['user_demo_shopper', 'user_demo_shopper2', 'user_demo_admin'].flatMap((user) =>
      [0, 1, 2].map((n) => buyAndPay(user, stocked.slice(n * 3, n * 3 + 3), n)),
    );
    expect(await Promise.all(journeys)).toHaveLength(9);
    expect(errorLines()).toEqual([]);
  });

  it('stops without an error line either', async () => {
    await platform!.stop();
    platform = undefined;
    expect(errorLines()).toEqual([]);
  });
});
