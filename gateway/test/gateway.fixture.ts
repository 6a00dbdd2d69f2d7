/**
 * What the gateway's integration tests share: a gateway started as the launcher starts it (`startGateway`) under the
 * test file's namespace (topics, database, Redis prefix), Clerk-shaped tokens signed with a key pair the test owns
 * (the gateway then runs in Clerk mode with that PEM, the networkless production path), and read-model documents
 * written directly in the docs/read-models.md shapes (the projection workers are not part of these tests).
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '@streamshop/config';
import { readModelKeys } from '@streamshop/read-cache';
import { AvroSerde } from '@streamshop/schemas';
import { ensureTopics } from '@streamshop/schemas/topics';
import { fastConsumer, type Namespace, testLogger } from '@streamshop/testkit';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { Db } from 'mongodb';
import { type GatewayOptions, type GatewayRunnable, startGateway } from '../src/main.ts';

export const logger = testLogger();

export { fastConsumer };

export type ConfigOverrides = {
  [K in keyof Config]?: Config[K] extends object ? Partial<Config[K]> : Config[K];
};

export function withConfig(base: Config, overrides: ConfigOverrides = {}): Config {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    const current = (base as unknown as Record<string, unknown>)[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(current as object), ...v } : v;
  }
  return out as unknown as Config;
}

export async function startTestGateway(
  ns: Namespace,
  config: Config,
  options: Partial<GatewayOptions> = {},
): Promise<GatewayRunnable> {
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  const gateway = startGateway(config, {
    prefix: ns.topicPrefix,
    database: ns.database,
    redisPrefix: ns.redisPrefix,
    port: 0,
    host: '127.0.0.1',
    logger,
    ...options,
  });
  await gateway.start();
  return gateway;
}

/** An RSA key pair standing in for a Clerk instance: its PEM goes in CLERK_JWT_KEY, tokens are signed with it. */
export async function clerkInstance() {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwtKey = await exportSPKI(publicKey);
  async function token(
    userId: string,
    options: {
      role?: 'admin' | 'shopper';
      expiresInSeconds?: number;
      issuedSecondsAgo?: number;
      /** The customised session token's profile claims (token-verifier.ts): name and e-mail. */
      profile?: { name?: string; email?: string };
    } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000) - (options.issuedSecondsAgo ?? 0);
    return new SignJWT({
      ...options.profile,
      sid: `sess_${userId}`,
      azp: 'http://localhost:5173',
      metadata: { role: options.role ?? 'shopper' },
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_test' })
      .setSubject(userId)
      .setIssuer('https://test.clerk.accounts.dev')
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (options.expiresInSeconds ?? 300))
      .sign(privateKey);
  }
  return { jwtKey, token };
}

/** A products document (docs/read-models.md) for a SKU with a price and stock. */
export function productDoc(sku: string, amount: number, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    _id: sku,
    sku,
    productId: `prod_${sku}`,
    name: `Product ${sku}`,
    description: `The ${sku}`,
    category: 'tools',
    price: { amount, currency: 'EUR' },
    imageUrl: null,
    status: 'active',
    stock: { onHand: 10, reserved: 0, available: 10 },
    searchText: `product ${sku} the ${sku}`.toLowerCase(),
    createdAt: now,
    updatedAt: now,
    _v: { catalog: 1, inventory: 1 },
    ...extra,
  };
}

/** An orders document (docs/read-models.md). */
export function orderDoc(orderId: string, customerId: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    _id: orderId,
    orderId,
    customerId,
    status: 'placed',
    lines: [
      {
        line: 0,
        sku: 'SKU-1',
        quantity: 1,
        unitPrice: { amount: 1500, currency: 'EUR' },
        reservation: 'pending',
        rejectionReason: null,
      },
    ],
    shippingAddress: {
      name: 'Sam',
      line1: '1 Rue',
      line2: null,
      postalCode: '75001',
      city: 'Paris',
      region: null,
      country: 'FR',
    },
    currency: 'EUR',
    total: { amount: 1500, currency: 'EUR' },
    paymentProvider: 'stripe',
    payment: null,
    cancellation: null,
    refund: null,
    shipment: null,
    timeline: [{ status: 'placed', at: now, event: 'OrderPlaced', version: 1 }],
    placedAt: now,
    updatedAt: now,
    version: 1,
    _v: { orders: 1 },
    ...extra,
  };
}

/** Makes generation 1 the active one of each model, in MongoDB and in the Redis mirror, as the workers would. */
export async function activateGeneration1(
  db: Db,
  ns: Namespace,
  models: ('products' | 'orders' | 'sales' | 'inventory')[],
) {
  const keys = readModelKeys(ns.redisPrefix);
  for (const model of models) {
    await db.collection<{ _id: string }>('projection_control').updateOne(
      { _id: model },
      {
        $set: {
          active: 1,
          next: 2,
          generations: [
            {
              generation: 1,
              collection: `${model}__g1`,
              groupId: `projection.${model}.g1`,
              state: 'active',
              createdAt: Date.now(),
            },
          ],
          handoff: null,
          lastError: null,
        },
      },
      { upsert: true },
    );
    await ns.redis().set(keys.active(model), '1');
  }
}

/**
 * The Redis commands naming this namespace that clients sent while `during` ran (MONITOR; commands a script ran
 * are left out), for tests that count what a request costs in Redis.
 */
export async function redisCommandsDuring(ns: Namespace, during: () => Promise<unknown>): Promise<string[][]> {
  const redis = ns.redis();
  const monitor = await redis.monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.some((a) => a.startsWith(ns.redisPrefix))) seen.push(args);
  });
  try {
    await during();
    await redis.ping(); // MONITOR lines arrive after the replies; one more round trip lets them in
  } finally {
    monitor.disconnect();
  }
  return seen;
}

export const ADDRESS = {
  name: 'Sam Shopper',
  line1: '1 Rue de Rivoli',
  postalCode: '75001',
  city: 'Paris',
  country: 'FR',
};

export interface Observed {
  key: string | null;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read fields of many record types.
  value: Record<string, any>;
}

/** Everything a read_committed consumer sees on the given physical topics, decoded with the registry serde. */
export async function observe(ns: Namespace, topics: string[]) {
  const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  const seen = new Map<string, Observed[]>(topics.map((t) => [t, []]));
  const consumer = ns.kafka.consumer({
    groupId: `${ns.id}-observer-${randomUUID()}`,
    readUncommitted: false,
    ...fastConsumer,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      let decoded: { type: string; value: Record<string, unknown> } = { type: '?', value: {} };
      try {
        decoded = (await serde.decode(message.value ?? Buffer.alloc(0))) as unknown as typeof decoded;
      } catch {}
      seen.get(topic)?.push({ key: message.key?.toString() ?? null, ...decoded });
    },
  });
  return { of: (topic: string) => seen.get(topic) ?? [], stop: () => consumer.disconnect() };
}
