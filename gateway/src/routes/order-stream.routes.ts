/**
 * The order's live events: GET /api/orders/:id/events, Server-Sent Events of the orders read model's changes.
 *
 * A stream holds a socket, a listener and timers for as long as the client stays, so it is bounded every way:
 * - who is asking is checked before anything is subscribed: a stranger gets the 404 an unknown id gets, and no
 *   change notice is ever read or written on their behalf. Only then does the stream listen, and it re-reads the order
 *   once after subscribing, so a change between the check and the subscription is not lost;
 * - open streams are capped per user and per gateway process (GATEWAY_SSE_MAX_PER_USER, GATEWAY_SSE_MAX_TOTAL):
 *   past either, 429 `stream_limit_reached`;
 * - a stream ends when the caller's session token expires (or after SSE_MAX_LIFETIME_MS), with a last
 *   `event: reconnect` telling the client to come back with a fresh token: a revoked or expired session does not
 *   keep reading;
 * - back-pressure: while the socket's buffer is full nothing more is queued; the latest order waits (every event
 *   carries the whole order, so intermediate versions need not be sent), and a client that has not drained within
 *   SSE_DRAIN_TIMEOUT_MS is dropped.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Order as OrderModel } from '@streamshop/projections/queries';
import type { GatewayContext } from '../app.ts';
import { bearerAuth, principalOf } from '../plugins/auth.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { IdParams, problems } from '../schemas/common.ts';
import { OrderEventsQuery, SseFrame } from '../schemas/orders.ts';
import { orderNotFound, visibleOrder } from './order-access.ts';
import { createSseWriter } from './sse-writer.ts';
import { orderView } from './views.ts';

const SSE_PING_MS = 15_000;
/** A client that has not read what was written for this long is dropped: its socket buffer stays full. */
export const SSE_DRAIN_TIMEOUT_MS = 30_000;
/** Even a token without `exp` (or a long-lived dev token) is re-presented at least this often. */
export const SSE_MAX_LIFETIME_MS = 60 * 60_000;

export interface StreamLimits {
  maxPerUser: number;
  maxTotal: number;
}

/**
 * Open streams per user and in total. `acquire` takes a slot synchronously (before any await), so concurrent opens
 * cannot overshoot a cap; it answers the slot's release, or which cap is reached.
 */
export function streamSlots(limits: StreamLimits) {
  const perUser = new Map<string, number>();
  let total = 0;
  return {
    acquire(userId: string): { release: () => void } | { refused: 'user' | 'total' } {
      const mine = perUser.get(userId) ?? 0;
      if (mine >= limits.maxPerUser) return { refused: 'user' };
      if (total >= limits.maxTotal) return { refused: 'total' };
      perUser.set(userId, mine + 1);
      total++;
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          total--;
          const left = (perUser.get(userId) ?? 1) - 1;
          if (left > 0) perUser.set(userId, left);
          else perUser.delete(userId);
        },
      };
    },
  };
}

function streamLimitReached(refused: 'user' | 'total', limits: StreamLimits): HttpProblem {
  const detail =
    refused === 'user'
      ? `you already have ${limits.maxPerUser} open order streams; close one (another tab?) and retry`
      : 'this server has as many open order streams as it allows; retry shortly';
  return new HttpProblem(429, 'stream_limit_reached', detail, { headers: { 'retry-after': '30' } });
}

export const orderStreamRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { queries, orderEvents } = ctx;
  const limits = ctx.config.gateway.sse;
  const slots = streamSlots(limits);
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...openStreams]) close();
  });

  app.get(
    '/api/orders/:id/events',
    {
      config: { auth: 'user', tokenInQuery: true },
      schema: {
        tags: ['orders'],
        summary: "Server-Sent Events of the order's changes (`event: order`, data = Order); current state first",
        description:
          'EventSource cannot set headers: pass the session token as ?access_token=. A `: ping` comment every 15 s. ' +
          'When the token expires the stream ends with `event: reconnect` (data: {"code":"token_expired"}): ' +
          'reconnect with a fresh token. Open streams are capped per user and per server (429 stream_limit_reached).',
        security: bearerAuth,
        params: IdParams,
        querystring: OrderEventsQuery,
        response: {
          200: {
            description:
              'text/event-stream: `event: order` frames whose data is the Order (JSON), `event: reconnect` when the ' +
              'token expires or the stream reaches its lifetime, and `: ping` comments',
            content: { 'text/event-stream': { schema: SseFrame } },
          },
          ...problems(400, 401, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id } = request.params;
      // Who is asking, before anything listens: nothing about another shopper's order is ever read for a stranger.
      const initial = await visibleOrder(queries, id, principal);
      if (!initial) throw orderNotFound(id);
      const slot = slots.acquire(principal.id);
      if ('refused' in slot) throw streamLimitReached(slot.refused, limits);
      const releaseSlot = slot.release;

      const raw = reply.raw;
      let closed = false;
      let reading = false;
      let again = false;
      const out = createSseWriter<OrderModel>(raw, {
        frame: (order) => `id: ${order.version}\nevent: order\ndata: ${JSON.stringify(orderView(order))}\n\n`,
        drainTimeoutMs: SSE_DRAIN_TIMEOUT_MS,
        onStalled: () => {
          request.log.info({ orderId: id }, 'order stream dropped: the client stopped reading');
          close(true);
        },
      });

      // Serialised re-reads: a burst of notices becomes at most one read in flight and one queued.
      const refresh = async () => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            const order = await queries.orders.byId(id);
            if (order) out.send(order);
          } while (again && !closed);
        } catch (err) {
          request.log.warn({ err, orderId: id }, 'order re-read for SSE failed; the next notice retries');
        } finally {
          reading = false;
        }
      };

      reply.hijack();
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      out.write('retry: 3000\n\n');
      out.send(initial);
      const unlisten = orderEvents.listen(id, (change) => {
        if (change.version === undefined || change.version > out.lastVersion) void refresh();
      });
      // A change between the visibility read and the subscription sent no notice to this stream: read once more.
      void refresh();

      const ping = setInterval(() => {
        out.write(': ping\n\n');
      }, SSE_PING_MS);
      const tokenEnds = principal.expiresAt ?? Number.POSITIVE_INFINITY;
      const lifetimeEnds = Date.now() + SSE_MAX_LIFETIME_MS;
      const expiry = setTimeout(
        () => {
          const code = tokenEnds <= lifetimeEnds ? 'token_expired' : 'stream_lifetime_reached';
          out.write(`event: reconnect\ndata: ${JSON.stringify({ code })}\n\n`);
          close();
        },
        Math.max(0, Math.min(tokenEnds, lifetimeEnds) - Date.now()),
      );
      function close(drop = false) {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        clearTimeout(expiry);
        out.close();
        unlisten();
        releaseSlot();
        openStreams.delete(close);
        if (drop) raw.destroy();
        else raw.end();
      }
      openStreams.add(close);
      request.raw.on('close', () => close());
      raw.on('close', () => close());
      raw.on('error', () => close(true));
    },
  );
};
