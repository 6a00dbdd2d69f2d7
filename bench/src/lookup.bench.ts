/**
 * `npm run bench:lookup -- --sizes 10000,100000,200000`: whether the two per-order costs that face a growing shop
 * stay flat as the orders read model grows: `GET /api/orders/:id` on a read-cache miss (a shopper opening an old
 * order), and a live fold's cost per event (every event loads its order by `_id` and rewrites it). At each size it
 * prints both next to their raw MongoDB baselines in the same run, then the slope from the smallest size to the
 * largest, and ends with `ratio <fold events/s at the largest size ÷ at the smallest>` (1.00 = flat).
 *
 * Method, under a throwaway prefix (topics, database, Redis keys; all deleted afterwards):
 * - **Filling**: the sample order stream (orders.sample-stream.ts, about 6 events an order) folded in memory with
 *   the real orders definition through the runtime's own pure `foldBatch`, so each document carries the `_v`/`_rev`
 *   a live fold gives it, then `insertMany` into `orders__g1`; generation 1 is recorded and mirrored in Redis as the
 *   worker does at start. Each size adds the orders up to it to the same collection.
 * - **Lookups**: the real gateway (`startGateway`, in process, session tokens signed by a key of the bench's own via
 *   CLERK_JWT_KEY) answers GET /api/orders/:id, one request at a time, for orders never requested before, each with
 *   its owner's token; the order's read-cache key is checked absent before and present after every request, so each
 *   is a miss that read MongoDB. Raw: `findOne({_id})` with the driver for as many other orders.
 * - **Fold**: the orders model's live fold (`createGenerationFold` on the active generation, as the worker runs it:
 *   decode, load by `_id`, insert a new order or `_rev`-guarded replace, cache invalidation, change notices, offsets
 *   after the writes) has joined its group and folded a few warm-up events; then, in five rounds, N/5 events of
 *   orders beyond the filled ones are produced and the clock runs from the first send until the fold has reported
 *   the last of them (the median round is reported: the machine is shared). Raw: N `_rev`-guarded `replaceOne`s of
 *   existing orders by `_id`, in `bulkWrite`s of 25 as the fold sends them (each order replaced by itself).
 * Before the first size's figures, one untimed pass of each (the first size would otherwise pay the JIT and the
 * connection pools); after its fold, documents the live fold wrote are compared with the in-memory fold of the same
 * events, so the filled documents are known to have the shape the worker would have given them.
 */
import type { webcrypto } from 'node:crypto';
import { loadavg } from 'node:os';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { type Config, loadConfig } from '@streamshop/config';
import { deterministicId, typedRecordMapping } from '@streamshop/eventsourcing-kafka';
import { startGateway } from '@streamshop/gateway/main';
import {
  createGenerationControl,
  createGenerationFold,
  type EventName,
  foldBatch,
  generationCollection,
  type ProjectedEvent,
} from '@streamshop/projection-runtime';
import { PROJECTIONS } from '@streamshop/projections/definitions';
import { type SampleEvent, sampleOrderEvents, sampleOrderStream } from '@streamshop/projections/sample-stream';
import { type ReadSide, readSideWiring } from '@streamshop/projections/wiring';
import { AvroSerde } from '@streamshop/schemas/serde';
import type { EventDraft } from '@streamshop/schemas/types';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { pino } from 'pino';
import { type BenchNamespace, benchNamespace, deployedGatewayLogger } from './measure.ts';

const SEED = 'bench-lookup';
const START_AT = Date.UTC(2026, 0, 1);
const CUSTOMERS = 25;
/** Orders numbered from here on are the fold's new ones (never filled), one block per size. */
const FOLD_FIRST = 10_000_000;
const FOLD_BLOCK = 1_000_000;
/**
 * Warm-up for the live fold, before anything is timed: 30 whole orders (numbered below the fold's), so every event
 * type the rounds carry, refunds and cancellations included, has had its schema looked up by the producer's and
 * the fold's serde.
 */
const WARMUP = () => streamOf(FOLD_FIRST - FOLD_BLOCK, 30);
const ORDERS_PER_CHUNK = 2_000;
const WRITES_PER_REQUEST = 25; // as the runtime's store.ts sends them
const orders = PROJECTIONS.orders;
const mapping = typedRecordMapping<never, EventDraft<EventName>>({ replyType: 'streamshop.commerce.CommandReply' });

function parseBenchArgs(): { sizes: number[]; lookups: number; events: number } {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      lookups: { type: 'string' },
      events: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`npm run bench:lookup -- [--sizes 10000,100000,200000] [--lookups 300] [--events 3000]

Whether per-order costs stay flat as the orders read model grows. At each size (orders in the read model, filled
by folding the sample order stream in memory and inserting it): GET /api/orders/:id through the real gateway on a
read-cache miss (p50/p95/p99) beside a bare findOne({_id}), and the live orders fold's µs per event beside bare
_rev-guarded replaceOne({_id}) writes. Then the slope from the smallest size to the largest.

  --sizes S1,S2…   read-model sizes in orders, increasing (default 10000,100000,200000); filling costs about
                   0.3 ms an order, mostly insertMany (200,000: about a minute; the whole default run about 2½ min)
  --lookups N      cache-miss requests per size, each for an order never requested before (default 300)
  --events N       new events folded live per size, in 5 rounds (default 3000, about 500 new orders)

Needs the stack: npx streamshop stack up. Ends with \`ratio <fold events/s at the largest size ÷ at the smallest>\`
(1.00 = flat).`);
    process.exit(0);
  }
  const sizes = (values.sizes ?? '10000,100000,200000').split(',').map(Number);
  if (sizes.some((s, i) => !Number.isInteger(s) || s < 1_000 || s > 2_000_000 || (i > 0 && s <= (sizes[i - 1] ?? 0)))) {
    console.error('--sizes expects increasing whole numbers from 1000 to 2000000, e.g. 10000,100000,200000');
    process.exit(2);
  }
  const int = (raw: string | undefined, flag: string, fallback: number, max: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 10 || n > max) {
      console.error(`--${flag} expects a whole number from 10 to ${max}, got "${raw}"`);
      process.exit(2);
    }
    return n;
  };
  const lookups = int(values.lookups, 'lookups', 300, 10_000);
  // The first size serves four passes of never-requested orders (two untimed): keep them a small share of it.
  if (lookups * 8 > (sizes[0] ?? 0)) {
    console.error(
      `--lookups ${lookups} needs a first size of at least ${lookups * 8} orders; lower --lookups or raise --sizes`,
    );
    process.exit(2);
  }
  return { sizes, lookups, events: int(values.events, 'events', 3_000, 100_000) };
}

const orderId = (n: number) => deterministicId('sample-order', SEED, n);
const customerOf = (n: number) => `customer-${n % CUSTOMERS}`;

/** A sample event as the fold hands it to a projection (the runtime's own mapping strips the envelope into meta). */
function projectedEvent(e: SampleEvent, offset: number): ProjectedEvent {
  const { event, meta } = mapping.readEvent({ type: e.type, value: e.value });
  return {
    topic: 'orders.events',
    ...event,
    meta,
    partition: 0,
    offset: String(offset),
    timestamp: Number(meta.occurredAt),
  } as ProjectedEvent;
}

/** The stored documents (with `_v`/`_rev`) the events make, folded purely by the runtime's own `foldBatch`. */
function foldInMemory(events: readonly SampleEvent[]) {
  const fold = foldBatch(orders, [], events.map(projectedEvent));
  if (fold.failures.length > 0) throw new Error(`in-memory fold: ${fold.failures[0]?.error.message}`);
  return [...fold.writes.values()].map((w) => w.doc);
}

const streamOf = (first: number, count: number) =>
  sampleOrderStream({ seed: SEED, count, first, startAt: START_AT, customers: CUSTOMERS });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));

/** What to undo at the end, in reverse order of setting up. */
type Cleanups = (() => Promise<unknown>)[];

interface SizeFigures {
  size: number;
  docs: number;
  fillMs: number;
  insertMs: number;
  lookup: { p50: number; p95: number; p99: number };
  raw: { p50: number; p99: number };
  /** Median of the rounds' µs per event. */
  foldUs: number;
  foldRounds: number[];
  rawWriteUs: number;
  load: string;
}

/** What every size is measured with: the namespace's read side, its orders generation, the gateway, the live fold. */
interface Rig {
  side: ReadSide;
  generation: number;
  collection: Collection<Document>;
  gatewayUrl: string;
  tokenOf(customerId: string): Promise<string>;
  produce(events: readonly SampleEvent[]): Promise<void>;
  /** Events the live fold has reported, and a wait until it has reported `target` of them. */
  folded(): number;
  foldedUpTo(target: number): Promise<void>;
}

/** The shopper's session token (what Clerk would issue), signed by the bench's key; one per customer. */
function shopperTokens(privateKey: webcrypto.CryptoKey): (customerId: string) => Promise<string> {
  const tokens = new Map<string, Promise<string>>();
  return (customerId) => {
    const now = Math.floor(Date.now() / 1000);
    let token = tokens.get(customerId);
    if (!token) {
      token = new SignJWT({ sid: `sess_${customerId}`, metadata: { role: 'shopper' } })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_bench' })
        .setSubject(customerId)
        .setIssuer('https://bench.clerk.accounts.dev')
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(now + 3600)
        .sign(privateKey);
      tokens.set(customerId, token);
    }
    return token;
  };
}

/** Sends sample events to the namespace's orders.events, Avro-encoded by the registry serde, 500 per request. */
async function ordersProducer(config: Config, ns: BenchNamespace, cleanups: Cleanups) {
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.prefix });
  const producer = ns.kafka.producer({ idempotent: true });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const topic = ns.topic('orders.events');
  return async (events: readonly SampleEvent[]) => {
    for (let i = 0; i < events.length; i += 500) {
      const messages = [];
      for (const e of events.slice(i, i + 500)) {
        messages.push({ key: e.key, value: await serde.encode('orders.events', e.type, e.value as never) });
      }
      await producer.send({ topic, messages, acks: -1 });
    }
  };
}

/** The live fold of the orders generation, started, with a count of the events it reported and a wait for it. */
async function startLiveFold(
  side: ReadSide,
  generation: number,
  groupId: string,
  cleanups: Cleanups,
): Promise<Pick<Rig, 'folded' | 'foldedUpTo'>> {
  let folded = 0;
  let deadLettered = 0;
  let onBatch: (() => void) | null = null;
  const fold = createGenerationFold(side, {
    definition: orders,
    generation,
    groupId,
    isActive: () => true,
    onBatch: (r) => {
      folded += r.records;
      deadLettered += r.deadLettered;
      onBatch?.();
    },
  });
  const foldedUpTo = (target: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the fold read ${folded} of ${target} events in 120 s`)),
        120_000,
      );
      onBatch = () => {
        if (deadLettered > 0) reject(new Error(`the fold dead-lettered ${deadLettered} events`));
        if (folded < target) return;
        clearTimeout(timer);
        onBatch = null;
        resolve();
      };
      onBatch();
    });
  await fold.start();
  cleanups.push(() => fold.stop());
  return { folded: () => folded, foldedUpTo };
}

/** Read side, generation 1 recorded and mirrored, the gateway, the live fold joined and warmed up; cleanups queued. */
async function rig(
  config: Config,
  ns: BenchNamespace,
  privateKey: webcrypto.CryptoKey,
  cleanups: Cleanups,
): Promise<Rig> {
  const id = ns.prefix.replace(/\.$/, '');
  const redisPrefix = `${id}:`;
  const side = await readSideWiring(config, {
    prefix: ns.prefix,
    database: id,
    redisPrefix,
    logger: pino({ level: 'error' }),
  });
  cleanups.push(() => side.close());
  cleanups.push(() => side.db.dropDatabase());
  cleanups.push(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await side.redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
      if (keys.length > 0) await side.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  });
  cleanups.push(async () => {
    // The fold's group and the gateway's reply group, once both have left them.
    const admin = ns.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(ns.prefix));
      if (mine.length > 0) await admin.deleteGroups(mine);
    } finally {
      await admin.disconnect();
    }
  });

  // Generation 1 of orders (and of products, whose names the order view joins) recorded and mirrored in Redis.
  const control = createGenerationControl({ db: side.db, prefix: ns.prefix, cache: side.cache });
  const doc = await control.ensure('orders', orders.collection);
  await control.mirror('orders', doc.active);
  await control.mirror('products', (await control.ensure('products', 'products')).active);
  const generation = doc.active;
  const groupId = doc.generations[`g${generation}`]?.groupId;
  if (!groupId) throw new Error(`no consumer group recorded for orders g${generation}`);

  const logger = deployedGatewayLogger(config);
  const gateway = startGateway(config, {
    prefix: ns.prefix,
    database: id,
    redisPrefix,
    logger,
    port: 0,
    host: '127.0.0.1',
  });
  await gateway.start();
  cleanups.push(() => gateway.stop());

  const produce = await ordersProducer(config, ns, cleanups);
  const fold = await startLiveFold(side, generation, groupId, cleanups);
  await produce(WARMUP());
  await fold.foldedUpTo(WARMUP().length);
  return {
    side,
    generation,
    collection: side.db.collection<Document>(generationCollection(orders.collection, generation)),
    gatewayUrl: gateway.url,
    tokenOf: shopperTokens(privateKey),
    produce,
    ...fold,
  };
}

/** Adds orders [from, to) to the collection: folded in memory by chunks of orders, then insertMany. */
async function fill(r: Rig, from: number, to: number): Promise<{ docs: number; insertMs: number }> {
  let docs = 0;
  let insertMs = 0;
  for (let first = from; first < to; first += ORDERS_PER_CHUNK) {
    const stored = foldInMemory(streamOf(first, Math.min(ORDERS_PER_CHUNK, to - first)));
    const start = performance.now();
    for (let i = 0; i < stored.length; i += 1_000) {
      await r.collection.insertMany(stored.slice(i, i + 1_000) as unknown as Document[], { ordered: false });
    }
    insertMs += performance.now() - start;
    docs += stored.length;
    process.stderr.write(`\rfilling: ${Math.min(to, first + ORDERS_PER_CHUNK)} of ${to} orders   `);
  }
  process.stderr.write('\n');
  return { docs, insertMs };
}

/**
 * `count` orders never requested before, each through the gateway with its owner's token, one at a time; each must
 * be absent from the read cache before (a miss) and cached after (it was loaded from MongoDB). Then bare findOne of
 * as many other orders. Sorted latencies (ms).
 */
async function lookups(r: Rig, pick: () => number, count: number): Promise<{ gateway: number[]; bare: number[] }> {
  const gateway: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = pick();
    const key = r.side.cache.key('orders', r.generation, 'id', orderId(n));
    if ((await r.side.redis.exists(key)) !== 0) throw new Error(`${key} is cached before its first request`);
    const authorization = `Bearer ${await r.tokenOf(customerOf(n))}`;
    const t0 = performance.now();
    const res = await fetch(`${r.gatewayUrl}/api/orders/${orderId(n)}`, { headers: { authorization } });
    const body = (await res.json()) as { id?: string };
    gateway.push(performance.now() - t0);
    if (res.status !== 200 || body.id !== orderId(n)) {
      throw new Error(`GET /api/orders/${orderId(n)} answered ${res.status}: ${JSON.stringify(body)}`);
    }
    if ((await r.side.redis.exists(key)) !== 1) throw new Error(`the gateway did not cache ${key}: not a miss?`);
  }
  const bare: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const found = await r.collection.findOne({ _id: orderId(pick()) as never });
    bare.push(performance.now() - t0);
    if (!found) throw new Error('findOne found no order');
  }
  return { gateway: gateway.sort((a, b) => a - b), bare: bare.sort((a, b) => a - b) };
}

/** Rounds of the live fold per size; the median is reported (the machine is shared, one round can be unlucky). */
const FOLD_ROUNDS = 5;

/**
 * The live fold of `events` new events in FOLD_ROUNDS rounds, each timed from its first send until the fold has
 * reported its last event: the rounds' µs per event, and the new orders' documents as folded in memory.
 */
async function foldLive(r: Rig, firstOrder: number, events: number) {
  const perRound = Math.ceil(events / FOLD_ROUNDS);
  const us: number[] = [];
  const docs: Document[] = [];
  for (let round = 0; round < FOLD_ROUNDS; round++) {
    // Orders of a round are its own: ~6 events an order, so perRound / 5 orders always hold perRound events.
    const fresh = streamOf(firstOrder + round * perRound, Math.ceil(perRound / 5)).slice(0, perRound);
    const target = r.folded() + fresh.length;
    const start = performance.now();
    await r.produce(fresh);
    await r.foldedUpTo(target);
    us.push(((performance.now() - start) * 1000) / fresh.length);
    docs.push(...(foldInMemory(fresh) as unknown as Document[]));
  }
  return { us, docs, events: perRound * FOLD_ROUNDS };
}

/** `count` random existing orders replaced by themselves, `_rev`-guarded, in bulkWrites of 25: ms. */
async function rawWrites(r: Rig, size: number, count: number): Promise<number> {
  const ops: AnyBulkWriteOperation<Document>[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(Math.random() * size);
    const [stored] = foldInMemory(sampleOrderEvents(orderId(n), customerOf(n), START_AT + n * 250, n));
    if (!stored) throw new Error(`order ${n} folded to nothing`);
    const filter = { _id: stored._id, _rev: stored._rev } as Document;
    ops.push({ replaceOne: { filter, replacement: stored as unknown as Document } });
  }
  const start = performance.now();
  for (let i = 0; i < ops.length; i += WRITES_PER_REQUEST) {
    const slice = ops.slice(i, i + WRITES_PER_REQUEST);
    const result = await r.collection.bulkWrite(slice, { ordered: false });
    if (result.matchedCount !== slice.length) {
      throw new Error(`raw writes matched ${result.matchedCount} of ${slice.length} orders: not the fold's shape`);
    }
  }
  return performance.now() - start;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const config = loadConfig(
    { ...process.env, CLERK_JWT_KEY: await exportSPKI(publicKey), GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000000' },
    { devModeUnlessSet: true },
  );
  const cleanups: Cleanups = [];
  let ns: BenchNamespace | undefined;
  try {
    ns = await benchNamespace(config, 'lookup');
    const r = await rig(config, ns, privateKey, cleanups);
    const figures: SizeFigures[] = [];
    const requested = new Set<number>();
    let docs = foldInMemory(WARMUP()).length;
    let filled = 0;
    for (const [step, size] of args.sizes.entries()) {
      const fillStart = performance.now();
      const filling = await fill(r, filled, size);
      docs += filling.docs;
      const fillMs = performance.now() - fillStart;
      filled = size;
      const pick = () => {
        for (;;) {
          const n = Math.floor(Math.random() * size);
          if (!requested.has(n)) return requested.add(n) && n;
        }
      };
      if (step === 0) {
        // Once, untimed, on the first size: a whole measurement of each. Without it the first size pays the JIT,
        // the connection pools and the products the order view joins (measured: 10k then 11k orders read ×0.7).
        await lookups(r, pick, args.lookups);
        const warm = await foldLive(r, FOLD_FIRST - 2 * FOLD_BLOCK, args.events);
        docs += warm.docs.length;
        await sameAsLiveFold(r.collection, warm.docs);
      }
      const { gateway, bare } = await lookups(r, pick, args.lookups);
      const live = await foldLive(r, FOLD_FIRST + step * FOLD_BLOCK, args.events);
      docs += live.docs.length;
      const rawMs = await rawWrites(r, size, args.events);
      const f: SizeFigures = {
        size,
        docs,
        fillMs,
        insertMs: filling.insertMs,
        lookup: { p50: percentile(gateway, 50), p95: percentile(gateway, 95), p99: percentile(gateway, 99) },
        raw: { p50: percentile(bare, 50), p99: percentile(bare, 99) },
        foldUs: percentile(
          [...live.us].sort((a, b) => a - b),
          50,
        ),
        foldRounds: live.us,
        rawWriteUs: (rawMs * 1000) / args.events,
        load: loadavg()
          .map((l) => l.toFixed(1))
          .join(' '),
      };
      figures.push(f);
      printSize(f, args.lookups, live.events);
    }
    printSlopes(figures);
  } finally {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: Error) => console.error(`cleanup: ${err.message}`));
    }
    await ns?.cleanup().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  }
}

/** Documents the live fold wrote equal those folded in memory from the same events (what the filling inserts). */
async function sameAsLiveFold(collection: Collection<Document>, expected: readonly Document[]) {
  for (const want of expected.slice(0, 50)) {
    const got = await collection.findOne({ _id: want._id as never });
    if (!isDeepStrictEqual(got, want)) {
      throw new Error(
        `the live fold wrote ${JSON.stringify(got)}, the in-memory fold ${JSON.stringify(want)}: filling would not ` +
          'give the worker’s documents',
      );
    }
  }
}

function printSize(f: SizeFigures, lookups: number, events: number): void {
  console.log(
    `${f.size} orders (${f.docs} documents, filled in ${(f.fillMs / 1000).toFixed(1)} s, insertMany ${(f.insertMs / 1000).toFixed(1)} s; load ${f.load}):\n` +
      `  GET /api/orders/:id, cache miss (${lookups}): p50 ${ms(f.lookup.p50)} / p95 ${ms(f.lookup.p95)} / p99 ${ms(f.lookup.p99)} ms` +
      `   raw findOne({_id}): p50 ${ms(f.raw.p50)} / p99 ${ms(f.raw.p99)} ms\n` +
      `  live fold (${events} events in ${FOLD_ROUNDS} rounds): median ${f.foldUs.toFixed(0)} µs/event ` +
      `(${(1e6 / f.foldUs).toFixed(0)} events/s; rounds ${f.foldRounds.map((u) => u.toFixed(0)).join(' ')})` +
      `   raw guarded replaceOne by _id: ${f.rawWriteUs.toFixed(0)} µs/write`,
  );
}

function printSlopes(figures: SizeFigures[]): void {
  const first = figures[0];
  const last = figures.at(-1);
  if (!first || !last) return;
  const x = (a: number, b: number) => `×${(b / a).toFixed(2)}`;
  console.log(
    `slope ${first.size}→${last.size} orders: lookup p50 ${x(first.lookup.p50, last.lookup.p50)}, ` +
      `p99 ${x(first.lookup.p99, last.lookup.p99)} (raw findOne p50 ${x(first.raw.p50, last.raw.p50)}); ` +
      `fold µs/event ${x(first.foldUs, last.foldUs)} (raw write ${x(first.rawWriteUs, last.rawWriteUs)})`,
  );
  console.log(`ratio ${(first.foldUs / last.foldUs).toFixed(3)}`);
}

try {
  await main();
} catch (err) {
  const message = (err as Error).message ?? String(err);
  console.error(`bench:lookup failed: ${message}`);
  if (!message.includes('stack up')) console.error('Is the stack up? npx streamshop stack up');
  process.exit(1);
}
