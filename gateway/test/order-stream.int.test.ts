/**
 * The order stream's bounds (GET /api/orders/:id/events), against a real gateway, Redis and read model: a stranger
 * gets a 404 and never a byte of the order even while the order is changing; open streams are capped per user and per
 * process (429 stream_limit_reached, and a closed stream gives its slot back); a stream ends with `event: reconnect`
 * when its session token expires.
 */
import { createReadCache } from '@streamshop/read-cache';
import { createNamespace, eventually } from '@streamshop/testkit';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import {
  activateGeneration1,
  clerkInstance,
  logger,
  orderDoc,
  startTestGateway,
  withConfig,
} from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
const MAX_PER_USER = 2;
const MAX_TOTAL = 3;
let clerk: Awaited<ReturnType<typeof clerkInstance>>;
let gateway: GatewayRunnable;
let db: Db;

beforeAll(async () => {
  clerk = await clerkInstance();
  gateway = await startTestGateway(
    ns,
    withConfig(ns.config, {
      clerk: { jwtKey: clerk.jwtKey },
      gateway: { sse: { maxPerUser: MAX_PER_USER, maxTotal: MAX_TOTAL } },
    }),
  );
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['orders']);
  await db
    .collection('orders__g1')
    .insertMany([
      orderDoc('order-sam-1', 'user_sam'),
      orderDoc('order-bo-1', 'user_bo'),
      orderDoc('order-cy-1', 'user_cy'),
    ] as never[]);
});

afterAll(async () => {
  await gateway?.stop();
  await ns.cleanup();
});

/** What the orders worker does after folding an event: rewrite the document, drop its cached copy, announce it. */
async function project(orderId: string, customerId: string, version: number) {
  await db.collection('orders__g1').updateOne({ _id: orderId as never }, { $set: { version, status: 'reserving' } });
  const cache = createReadCache({ redis: ns.redis(), prefix: ns.redisPrefix, logger });
  await cache.invalidate('orders', 1, [{ kind: 'id', id: orderId }]);
  await cache.publishChanges('orders', {
    model: 'orders',
    generation: 1,
    changes: [{ id: orderId, version, customerId }],
  });
}

interface SseEvent {
  event: string;
  data: string;
}

/** Opens an order stream with fetch; `next()` yields its events (comments skipped), `null` once the server ended it. */
async function openStream(orderId: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${gateway.url}/api/orders/${orderId}/events?access_token=${token}`, {
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  async function next(): Promise<SseEvent | null> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) return { event, data };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
    }
  }
  const close = async () => {
    controller.abort();
    await reader.cancel().catch(() => {});
  };
  return { res, next, close };
}

const openStreamsMetric = async () => {
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
  return Number(/^streamshop_gateway_order_streams_open (\d+)$/m.exec(metrics)?.[1]);
};

describe('who may stream an order', () => {
  it("a stranger gets 404 and never a byte of another shopper's order, even while it changes", async () => {
    const bo = await clerk.token('user_bo');
    // Change notices for Sam's order keep arriving while Bo asks for its stream, so a stream that subscribed
    // before checking who asks would have a notice to answer.
    let version = 1;
    let changing = true;
    const changes = (async () => {
      while (changing) await project('order-sam-1', 'user_sam', ++version);
    })();
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await fetch(`${gateway.url}/api/orders/order-sam-1/events?access_token=${bo}`);
        const body = await res.text();
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(body)).toMatchObject({ code: 'order_not_found' });
        expect(body).not.toContain('user_sam');
      }
    } finally {
      changing = false;
      await changes;
    }
    expect(await openStreamsMetric()).toBe(0);
  });

  it('the owner gets the current state first, then the changes', async () => {
    const sam = await clerk.token('user_sam');
    const stream = await openStream('order-sam-1', sam);
    try {
      expect(stream.res.status).toBe(200);
      const first = await stream.next();
      expect(first?.event).toBe('order');
      const current = JSON.parse(first!.data).version as number;
      await project('order-sam-1', 'user_sam', current + 1);
      let seen: SseEvent | null;
      do seen = await stream.next();
      while (seen && JSON.parse(seen.data).version < current + 1);
      expect(JSON.parse(seen!.data)).toMatchObject({ id: 'order-sam-1', version: current + 1 });
    } finally {
      await stream.close();
    }
  });
});

describe('how many streams', () => {
  it("a user's streams past the cap, and any past the process's cap, get 429; a closed stream frees its slot", async () => {
    const [sam, bo] = await Promise.all([clerk.token('user_sam'), clerk.token('user_bo')]);
    await eventually(async () => (await openStreamsMetric()) === 0, { message: 'earlier streams are closed' });
    const mine = [];
    for (let i = 0; i < MAX_PER_USER; i++) {
      const stream = await openStream('order-sam-1', sam);
      expect(stream.res.status).toBe(200);
      expect((await stream.next())?.event).toBe('order');
      mine.push(stream);
    }
    const oneTooMany = await fetch(`${gateway.url}/api/orders/order-sam-1/events?access_token=${sam}`);
    expect(oneTooMany.status).toBe(429);
    expect(await oneTooMany.json()).toMatchObject({ code: 'stream_limit_reached' });

    // Bo takes the process's last slot; his second stream is over the total, not over his own cap.
    const bos = await openStream('order-bo-1', bo);
    expect(bos.res.status).toBe(200);
    expect((await bos.next())?.event).toBe('order');
    const overTotal = await fetch(`${gateway.url}/api/orders/order-bo-1/events?access_token=${bo}`);
    expect(overTotal.status).toBe(429);
    expect(await overTotal.json()).toMatchObject({ code: 'stream_limit_reached' });

    await mine[0]!.close();
    await eventually(async () => (await openStreamsMetric()) === MAX_TOTAL - 1, { message: 'the slot is released' });
    const again = await openStream('order-sam-1', sam);
    expect(again.res.status).toBe(200);
    await Promise.all([again.close(), mine[1]!.close(), bos.close()]);
  });
});

describe('how long a stream lives', () => {
  it('ends with `event: reconnect` when the session token expires', async () => {
    await eventually(async () => (await openStreamsMetric()) === 0, { message: 'earlier streams are closed' });
    const shortLived = await clerk.token('user_cy', { expiresInSeconds: 2 });
    const stream = await openStream('order-cy-1', shortLived);
    expect(stream.res.status).toBe(200);
    expect((await stream.next())?.event).toBe('order');
    let last: SseEvent | null;
    do last = await stream.next();
    while (last?.event === 'order');
    expect(last).toEqual({ event: 'reconnect', data: JSON.stringify({ code: 'token_expired' }) });
    expect(await stream.next()).toBeNull();
    await eventually(async () => (await openStreamsMetric()) === 0, { message: 'the expired stream is cleaned up' });
  });
});
