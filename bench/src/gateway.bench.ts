/**
 * `npm run bench:gateway`: requests/s and p99 latency of a cached `GET /api/products/:id` through the real gateway
 * (`startGateway`: rate limit, helmet, CORS, request id, access log, metrics, params validation, active-generation
 * lookup, the read cache, schema serialisation), next to a bare Fastify route that answers the same URL with one
 * Redis GET of the same cache key, measured in the same run. Ends with `ratio <gateway req/s ÷ bare req/s>`.
 *
 * Method: under a throwaway prefix (topics, database, Redis prefix) one product of the demo catalog is written in the
 * read-model shape (docs/read-models.md) into products__g1, generation 1 is recorded and mirrored as the projection
 * worker does at start, and the product is requested once through the gateway so the read cache holds it. Both
 * servers run in this process, one after the other, each first warmed up; autocannon fires from a worker thread so
 * the load generator does not share the servers' event loop. A run with any error or non-2xx answer is refused.
 * The gateway's global rate limit is raised for the bench (GATEWAY_RATE_LIMIT_PER_MINUTE): it still counts every
 * request in Redis, as in production, but never answers 429.
 */
import { parseArgs } from 'node:util';
import { DEMO_CATALOG, demoImageUrl, demoProductId } from '@streamshop/catalog-service/seed';
import { loadConfig } from '@streamshop/config';
import { startGateway } from '@streamshop/gateway/main';
import { createGenerationControl, generationCollection } from '@streamshop/projection-runtime';
import { createReadCache, readModelKeys } from '@streamshop/read-cache';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { type BenchNamespace, benchNamespace, deployedGatewayLogger, report } from './measure.ts';

const WARMUP_SECONDS = 3;
/** The read cache keeps a product 300 s; each measured phase starts with the key cached afresh, so it must fit. */
const MAX_DURATION_SECONDS = 280;
/** High enough that no client of the bench is ever limited; the limiter still runs (and counts in Redis). */
const BENCH_RATE_LIMIT_PER_MINUTE = 1_000_000_000;
/** The demo catalog's first coffee (services/catalog/src/seed/demo-catalog.ts), as the products worker stores it. */
const SKU = 'COF-YIRG-250';

function parseBenchArgs(): { duration: number; connections: number } {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`npm run bench:gateway -- [--duration S] [--connections N]

Requests/s and p99 latency of a cached GET /api/products/:id through the real gateway, against a bare Fastify route
reading the same Redis key, one after the other with the same load, each after a ${WARMUP_SECONDS} s warm-up.

  --duration S      seconds of load per server (default 10, at most ${MAX_DURATION_SECONDS})
  --connections N   concurrent connections (default 50)

Needs the stack: npx streamshop stack up. Ends with \`ratio <gateway req/s ÷ bare req/s>\`.`);
    process.exit(0);
  }
  const int = (raw: string | undefined, flag: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0 || n > max) {
      console.error(`--${flag} expects a whole number from 1 to ${max}, got "${raw}"`);
      process.exit(2);
    }
    return n;
  };
  return {
    duration: int(values.duration, 'duration', 10, MAX_DURATION_SECONDS),
    connections: int(values.connections, 'connections', 50),
  };
}

/** Load on one URL; refuses a run with errors or non-2xx answers, whose rate would not be this route's. */
async function load(name: string, url: string, connections: number, seconds: number): Promise<autocannon.Result> {
  const result = await autocannon({ url, connections, duration: seconds, workers: 1 });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(
      `${name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers ` +
        `(${JSON.stringify(result.statusCodeStats ?? {})}) out of ${result.requests.total} requests`,
    );
  }
  return result;
}

/** The same URL and cache key the gateway serves, with nothing but one Redis GET in between. */
async function startBare(redis: Redis, key: (id: string) => string): Promise<FastifyInstance> {
  const bare = Fastify();
  bare.get<{ Params: { id: string } }>('/api/products/:id', async (request, reply) => {
    const cached = await redis.get(key(request.params.id));
    if (cached === null) return reply.code(404).send();
    return reply.type('application/json').send(cached);
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  return bare;
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  // A local gateway on the local stack, as `streamshop up` runs it: dev mode unless STREAMSHOP_DEV_MODE says otherwise.
  const config = loadConfig(
    { ...process.env, GATEWAY_RATE_LIMIT_PER_MINUTE: String(BENCH_RATE_LIMIT_PER_MINUTE) },
    { devModeUnlessSet: true },
  );
  const demo = DEMO_CATALOG.find((p) => p.sku === SKU);
  if (!demo) throw new Error(`${SKU} is no longer in the demo catalog; pick another SKU for the bench`);

  const cleanups: (() => Promise<unknown>)[] = [];
  let ns: BenchNamespace | undefined;
  try {
    ns = await benchNamespace(config, 'gateway');
    const id = ns.prefix.replace(/\.$/, '');
    const database = id;
    const redisPrefix = `${id}:`;

    const mongo = new MongoClient(config.mongo.url, { serverSelectionTimeoutMS: 5_000 });
    await mongo.connect();
    cleanups.push(() => mongo.close());
    const db = mongo.db(database);
    cleanups.push(() => db.dropDatabase());
    // Same client options as the gateway's (fail fast, no offline queue).
    const redis = new Redis(config.redis.url, {
      enableOfflineQueue: false,
      commandTimeout: 1_000,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    await redis.connect();
    cleanups.push(async () => redis.disconnect());
    cleanups.push(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    });

    // The read model as the products worker leaves it: generation 1 recorded and mirrored in Redis, one document.
    const cache = createReadCache({ redis, prefix: redisPrefix });
    const control = createGenerationControl({ db, prefix: ns.prefix, cache });
    const { active } = await control.ensure('products', 'products');
    await control.mirror('products', active);
    const productId = demoProductId(demo.sku);
    const now = Date.now();
    await db.collection<{ _id: string; [field: string]: unknown }>(generationCollection('products', active)).insertOne({
      _id: demo.sku,
      sku: demo.sku,
      productId,
      name: demo.name,
      description: demo.description,
      category: demo.category,
      price: demo.price,
      imageUrl: demoImageUrl(demo.sku),
      status: 'active',
      stock: { onHand: demo.stock, reserved: 0, available: demo.stock },
      searchText: `${demo.name} ${demo.description}`.toLowerCase(),
      createdAt: now,
      updatedAt: now,
      _v: { catalog: 1, inventory: 1 },
    });
    const keys = readModelKeys(redisPrefix);
    const keyOf = (product: string) => keys.item('products', active, 'id', product);
    const path = `/api/products/${productId}`;

    const logger = deployedGatewayLogger(config);
    const gateway = startGateway(config, {
      prefix: ns.prefix,
      database,
      redisPrefix,
      logger,
      port: 0,
      host: '127.0.0.1',
    });
    cleanups.push(async () => {
      // The reply consumer's group (`<prefix>gateway-replies-<uuid>`), once the gateway has left it.
      const admin = ns!.kafka.admin();
      await admin.connect();
      try {
        const { groups } = await admin.listGroups();
        const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(ns!.prefix));
        if (mine.length > 0) await admin.deleteGroups(mine);
      } finally {
        await admin.disconnect();
      }
    });
    await gateway.start();
    cleanups.push(() => gateway.stop());
    const bare = await startBare(redis, keyOf);
    cleanups.push(() => bare.close());
    const bareUrl = `${urlOf(bare)}${path}`;
    const gatewayUrl = `${gateway.url}${path}`;

    /** Cached through the gateway (a miss loads from MongoDB and stores), with a TTL that outlives the next phase. */
    const ensureCached = async (seconds: number) => {
      if ((await redis.ttl(keyOf(productId))) > seconds + 5) return;
      await redis.del(keyOf(productId));
      const res = await fetch(gatewayUrl);
      if (res.status !== 200) throw new Error(`gateway answered ${res.status} for ${path}: ${await res.text()}`);
      const body = (await res.json()) as { id?: string };
      if (body.id !== productId) throw new Error(`gateway answered another product: ${JSON.stringify(body)}`);
      if ((await redis.exists(keyOf(productId))) !== 1)
        throw new Error(`the gateway did not cache ${keyOf(productId)}`);
    };
    await ensureCached(2 * WARMUP_SECONDS);
    const bareCheck = await fetch(bareUrl);
    const bareBody = await bareCheck.text();
    if (bareCheck.status !== 200 || bareBody !== (await redis.get(keyOf(productId)))) {
      throw new Error(`bare route answered ${bareCheck.status} ${bareBody}, not the cached product`);
    }

    console.log(
      `GET ${path} (cached, ${bareBody.length} bytes in Redis): ${args.connections} connections, ` +
        `${args.duration} s per server after a ${WARMUP_SECONDS} s warm-up each, one server at a time`,
    );
    await load('gateway warm-up', gatewayUrl, args.connections, WARMUP_SECONDS);
    await load('bare warm-up', bareUrl, args.connections, WARMUP_SECONDS);
    await ensureCached(args.duration);
    const viaGateway = await load('gateway', gatewayUrl, args.connections, args.duration);
    await ensureCached(args.duration);
    const viaBare = await load('bare', bareUrl, args.connections, args.duration);

    // Evidence the gateway answered from Redis, not MongoDB: its own read-cache hit ratio since start.
    const metrics = await gateway.app.inject({ url: '/metrics' });
    const hitRatio = /^streamshop_gateway_read_cache_hit_ratio (\S+)$/m.exec(metrics.body)?.[1];
    console.log(`gateway read cache hit ratio ${hitRatio === undefined ? '?' : Number(hitRatio).toFixed(5)}`);

    report(
      [
        ['gateway: startGateway, GET /api/products/:id', viaGateway.requests.average, 'req/s'],
        ['gateway p99 latency', viaGateway.latency.p99, 'ms'],
        ['bare: Fastify route, one Redis GET, same key', viaBare.requests.average, 'req/s'],
        ['bare p99 latency', viaBare.latency.p99, 'ms'],
      ],
      viaGateway.requests.average / viaBare.requests.average,
    );
  } finally {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: Error) => console.error(`cleanup: ${err.message}`));
    }
    await ns?.cleanup().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  }
}

try {
  await main();
} catch (err) {
  const message = (err as Error).message ?? String(err);
  console.error(`bench:gateway failed: ${message}`);
  if (!message.includes('stack up')) console.error('Is the stack up? npx streamshop stack up');
  process.exit(1);
}
