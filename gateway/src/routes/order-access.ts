/**
 * Who may see an order: its customer, or an admin. Anyone else is told it does not exist (404, not 403), so order
 * ids cannot be probed. Also the bounded read-your-writes wait on the order's version.
 */
import type { Order, Queries } from '@streamshop/projections/queries';
import type { OrderEventsHub } from '../adapters/order-events-hub.ts';
import type { Principal } from '../auth/token-verifier.ts';
import { HttpProblem } from '../plugins/problem-json.ts';

export function canSee(order: Order, principal: Principal): boolean {
  return order.customerId === principal.id || principal.role === 'admin';
}

export async function visibleOrder(queries: Queries, orderId: string, principal: Principal): Promise<Order | null> {
  const order = await queries.orders.byId(orderId);
  return order && canSee(order, principal) ? order : null;
}

export function orderNotFound(orderId: string): HttpProblem {
  return new HttpProblem(404, 'order_not_found', `no order ${orderId}`);
}

export async function requireVisibleOrder(queries: Queries, orderId: string, principal: Principal): Promise<Order> {
  const order = await visibleOrder(queries, orderId, principal);
  if (!order) throw orderNotFound(orderId);
  return order;
}

/** How often a wait re-reads even without a change notice (a notice lost to a Redis hiccup must not stall it). */
const RECHECK_MS = 500;

/**
 * Reads the order until the principal can see it at `minVersion` or later, or `timeoutMs` passes; returns the last
 * read if the principal can see it, else null. Woken by the order's change notices, with a periodic re-read as a
 * safety net.
 *
 * An order the principal may not see reads as absent, so waiting on another shopper's order lasts exactly as long as
 * waiting on an id that does not exist (both end in the same 404 at the deadline): how long a 404 takes tells
 * nothing about which order ids exist. Both must wait, because a shopper's own just-placed order is also absent from
 * the read model until its projection catches up (read-your-writes).
 */
export async function waitForOrderVersion(
  deps: { queries: Queries; orderEvents: OrderEventsHub },
  orderId: string,
  principal: Principal,
  minVersion: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Order | null> {
  let wake: () => void = () => {};
  const unlisten = deps.orderEvents.listen(orderId, (change) => {
    if (change.version === undefined || change.version >= minVersion) wake();
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const order = await visibleOrder(deps.queries, orderId, principal);
      const left = deadline - Date.now();
      if ((order && order.version >= minVersion) || left <= 0 || signal?.aborted) return order;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, RECHECK_MS));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    unlisten();
  }
}
