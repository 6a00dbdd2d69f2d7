/**
 * `npm run bench:latency`: command → visible, through the whole platform. A shopper places an order through the
 * gateway (POST /api/orders) and we time until the order is `payment_requested` — three hops through Kafka
 * (PlaceOrder → OrderPlaced and ReserveStock; StockReserved → the saga's RecordLineReservation → OrderLineReserved;
 * then RequestPayment → OrderPaymentRequested), folded by the orders projection into MongoDB and Redis — seen two
 * ways, as the storefront sees it:
 * - **poll**: GET /api/orders/:id every 25 ms until it says so (the resolution of this figure);
 * - **SSE**: as the storefront does, GET /api/orders/:id?minVersion=<the 202's version>, then the order's event stream
 *   (GET /api/orders/:id/events), until a frame says so.
 * At each rate (orders/s, spread evenly) it prints p50/p95/p99 of both, and how many orders the stream showed at all.
 *
 * Baseline, same run: one raw Kafka hop, a kafkajs producer → consumer on a topic of its own at the same rate
 * (p50/p99). The closing `ratio` is (3 × the raw hop's p50) ÷ the platform's poll p50 at the highest rate: the share of
 * the latency the three unavoidable Kafka hops explain (1.0 would mean we add nothing).
 *
 * The platform is `startPlatform` (what `streamshop up` runs) in a process of its own (platform.child.ts; the
 * shoppers' load stays in this one) under a throwaway prefix, with session tokens signed
 * by a key of the bench's own (CLERK_JWT_KEY), its limits raised so only latency is measured: rate limit, open
 * unpaid orders per customer, streams per user; each order is 1 unit of one of five SKUs the bench received stock for.
 */

import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { demoProductId } from '@streamshop/catalog-service/seed';
import { loadConfig } from '@streamshop/config';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { benchNamespace } from './measure.ts';

const VISIBLE = new Set(['payment_requested', 'paid', 'confirmed']);
const SKUS = ['COF-YIRG-250', 'COF-HUIL-250', 'TEA-SENC-100', 'TEA-ASSM-250', 'KIT-POUR-02'];
const ADDRESS = {
  name: 'Bench Shopper',
  line1: '1 Main St',
  postalCode: '1000',
  city: 'Brussels',
  country: 'BE',
};

function parseBenchArgs(): { rates: number[]; seconds: number; watch: 'both' | 'poll' | 'sse' } {
  const { values } = parseArgs({
    options: {
      watch: { type: 'string' },
      rates: { type: 'string' },
      seconds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`npm run bench:latency -- [--rates 2,20] [--seconds 10]

Command → visible latency through the gateway: place an order, time until it reads payment_requested, by polling
GET /api/orders/:id and on the order's SSE stream; p50/p95/p99 per rate, next to a raw Kafka hop at the same rate.

  --rates R1,R2…   orders per second, one phase each (default 2,20)
  --seconds S      length of each phase (default 10): rate × S orders
  --watch W        both (default), poll or sse: polling is load of its own (40 requests/s per order in flight)

Needs the stack: npx streamshop stack up. Ends with \`ratio <3 × raw hop p50 ÷ poll p50 at the highest rate>\`.`);
    process.exit(0);
  }
  const rates = (values.rates ?? '2,20').split(',').map(Number);
  const seconds = Number(values.seconds ?? 10);
  if (rates.some((r) => !Number.isFinite(r) || r <= 0 || r > 200) || !Number.isInteger(seconds) || seconds <= 0) {
    console.error('--rates expects numbers from 0.1 to 200 (e.g. 2,20), --seconds a positive whole number');
    process.exit(2);
  }
  const watch = (values.watch ?? 'both') as 'both' | 'poll' | 'sse';
  if (!['both', 'poll', 'sse'].includes(watch)) {
    console.error('--watch expects both, poll or sse');
    process.exit(2);
  }
  return { rates, seconds, watch };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms`;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads an SSE response until a frame's order is visible; resolves with the time, or null at the deadline. */
async function firstVisibleFrame(url: string, deadline: number): Promise<number | null> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - performance.now()));
  try {
    const res = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
    if (!res.ok || !res.body) throw new Error(`order stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (frame.includes('event: order') && data && VISIBLE.has(JSON.parse(data.slice(6)).status)) {
          return performance.now();
        }
        end = buffer.indexOf('\n\n');
      }
    }
    return null;
  } catch (err) {
    if (controller.signal.aborted) return null;
    throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/**
 * The platform in a process of its own (bench/src/platform.child.ts), as `streamshop up` runs it: the shoppers'
 * requests, polling and stream parsing happen here and must not share the platform's event loop (in one process,
 * 20 orders/s of polling was load of the platform's own). `ask` sends a phase marker and returns the child's answer.
 */
async function startPlatformProcess(prefix: string, env: NodeJS.ProcessEnv) {
  const child = fork(new URL('./platform.child.ts', import.meta.url), [prefix], {
    env,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the platform process exited (${code}) before the bench was done`);
  });
  exited.catch(() => {});
  const next = async (): Promise<string> =>
    (await Promise.race([once(child, 'message').then(([m]) => String(m)), exited])) as string;
  const url = await next();
  return {
    url,
    async ask(message: 'phase-start' | 'phase-end'): Promise<string> {
      const answer = next();
      child.send(message);
      return answer;
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.send('stop');
      await gone;
    },
  };
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const total = args.rates.reduce((sum, r) => sum + Math.ceil(r * args.seconds), 0);
  const platformEnv = {
    ...process.env,
    CLERK_JWT_KEY: await exportSPKI(publicKey),
    GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000000',
    GATEWAY_COMMAND_RATE_LIMIT_PER_MINUTE: '1000000000',
    ORDER_MAX_OPEN_UNPAID_PER_CUSTOMER: String(total + 10),
    GATEWAY_SSE_MAX_PER_USER: String(total + 10),
  };
  const config = loadConfig(platformEnv, { devModeUnlessSet: true });
  const token = (userId: string, role: 'admin' | 'shopper') => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sid: `sess_${userId}`, metadata: { role } })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_bench' })
      .setSubject(userId)
      .setIssuer('https://bench.clerk.accounts.dev')
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
  };

  const ns = await benchNamespace(config, 'latency');
  const platform = await startPlatformProcess(ns.prefix, platformEnv);
  process.stderr.write(`platform up at ${platform.url}\n`);
  try {
    const [admin, shopper] = await Promise.all([token('user_bench_admin', 'admin'), token('user_bench', 'shopper')]);
    const api = async (method: string, path: string, bearer: string, body?: object) => {
      const res = await fetch(`${platform.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    for (const sku of SKUS) {
      const r = await api('POST', `/api/admin/stock/${sku}/receive`, admin, { quantity: 100_000, reference: 'bench' });
      if (r.status !== 202) throw new Error(`receiving stock for ${sku}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    for (const sku of SKUS) {
      for (let tries = 0; ; tries++) {
        const r = await api('GET', `/api/products/${demoProductId(sku)}`, shopper);
        if (Number(r.body.available) >= 100_000) break;
        if (tries === 300) throw new Error(`${sku}'s stock did not show: ${r.status} ${JSON.stringify(r.body)}`);
        await sleep(100);
      }
    }

    // The raw hop: producer → consumer on the bench's own topic, at the same rates.
    const hop: number[] = [];
    const consumer = ns.kafka.consumer({ groupId: `${ns.prefix}raw-latency` });
    await consumer.connect();
    await consumer.subscribe({ topic: ns.rawTopic, fromBeginning: true });
    const sentAt = new Map<string, number>();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = sentAt.get(String(message.key));
        if (at !== undefined) hop.push(performance.now() - at);
      },
    });
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: ns.rawTopic, messages: [{ key: 'warm-up', value: 'x' }] });
    await sleep(2_000); // the consumer's group join; the warm-up record is not timed
    const hopRate = Math.max(...args.rates);
    for (let i = 0; i < Math.ceil(hopRate * args.seconds); i++) {
      const key = `k${i}`;
      sentAt.set(key, performance.now());
      await producer.send({ topic: ns.rawTopic, messages: [{ key, value: 'x'.repeat(200) }], acks: -1 });
      await sleep(1000 / hopRate);
    }
    await sleep(1_000);
    await producer.disconnect();
    await consumer.disconnect();
    const hopSorted = [...hop].sort((a, b) => a - b);
    console.log(`raw Kafka hop at ${hopRate}/s (produce acks=all → consume): ${summary(hop)}`);

    let lastPollP50 = Number.NaN;
    for (const rate of args.rates) {
      const count = Math.ceil(rate * args.seconds);
      const poll: number[] = [];
      const sse: number[] = [];
      let sseMissed = 0;
      const runs: Promise<void>[] = [];
      const phaseStart = performance.now();
      await platform.ask('phase-start');
      for (let i = 0; i < count; i++) {
        const due = phaseStart + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        runs.push(
          (async () => {
            const t0 = performance.now();
            const placed = await api('POST', '/api/orders', shopper, {
              lines: [{ sku: SKUS[i % SKUS.length], quantity: 1 }],
              shippingAddress: ADDRESS,
              paymentProvider: 'stripe',
            });
            if (placed.status !== 202)
              throw new Error(`placing an order: ${placed.status} ${JSON.stringify(placed.body)}`);
            const orderId = String(placed.body.orderId);
            const deadline = t0 + 30_000;
            // As the storefront does: read the order at the 202's version (the gateway waits for the read model),
            // then open its stream.
            const stream = (async () => {
              if (args.watch === 'poll') return null;
              // The gateway waits a few seconds at most for the version; past that it answers 404 and we ask again.
              while (
                (await api('GET', `/api/orders/${orderId}?minVersion=${Number(placed.body.version)}`, shopper))
                  .status !== 200
              ) {
                if (performance.now() > deadline) return null;
              }
              return firstVisibleFrame(
                `${platform.url}/api/orders/${orderId}/events?access_token=${encodeURIComponent(shopper)}`,
                deadline,
              );
            })();
            while (args.watch !== 'sse') {
              const r = await api('GET', `/api/orders/${orderId}`, shopper);
              if (r.status === 200 && VISIBLE.has(String(r.body.status))) {
                poll.push(performance.now() - t0);
                break;
              }
              if (performance.now() > deadline) throw new Error(`order ${orderId} not visible after 30 s`);
              await sleep(25);
            }
            const seen = await stream;
            if (args.watch === 'poll') return;
            if (seen === null) sseMissed++;
            else sse.push(seen - t0);
          })(),
        );
      }
      await Promise.all(runs);
      const achieved = count / ((performance.now() - phaseStart) / 1000);
      console.log(`${rate} orders/s (${count} orders, ${achieved.toFixed(1)}/s achieved incl. the tail)`);
      console.log(`  poll: ${summary(poll)}`);
      console.log(
        `  SSE:  ${summary(sse)}; shown on the stream within 30 s: ${sse.length} of ${count}${sseMissed ? ` (${sseMissed} missed)` : ''}`,
      );
      console.log(`  ${await platform.ask('phase-end')}`);
      lastPollP50 = percentile(
        [...poll].sort((a, b) => a - b),
        50,
      );
    }
    console.log(`ratio ${((3 * percentile(hopSorted, 50)) / lastPollP50).toFixed(3)}`);
  } finally {
    await platform.stop();
    if (process.env.BENCH_KEEP_TOPICS) process.stderr.write(`kept topics under ${ns.prefix}\n`);
    else await ns.cleanup();
  }
}

await main();
