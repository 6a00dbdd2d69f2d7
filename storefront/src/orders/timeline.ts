/**
 * The order page's status timeline, derived from the order read model: the happy path (placed → stock reserved →
 * payment requested → paid → confirmed → shipped → delivered) with the time each step was reached, or, for an
 * order that left the path (cancelled, refunded), the steps it did reach followed by where it ended.
 */
import { ORDER_STATUSES } from '@streamshop/schemas/order-status';
import type { Order, OrderStatus } from '../api/types.ts';

/** Where an order leaves the happy path; every other status is a step on it, in the list's lifecycle order. */
const EXITS: readonly OrderStatus[] = ['cancelled', 'refunded'];
export const HAPPY_PATH: readonly OrderStatus[] = ORDER_STATUSES.filter((status) => !EXITS.includes(status));

export const STATUS_LABELS: Record<OrderStatus, string> = {
  placed: 'Placed',
  reserved: 'Stock reserved',
  payment_requested: 'Payment requested',
  paid: 'Paid',
  confirmed: 'Confirmed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

export type StepState = 'done' | 'current' | 'upcoming' | 'ended';

export interface TimelineStep {
  status: OrderStatus;
  label: string;
  state: StepState;
  /** ISO time the order reached this status, when it did. */
  at: string | undefined;
}

type TimelineSource = Pick<Order, 'status' | 'timeline'>;

export function timelineSteps(order: TimelineSource): TimelineStep[] {
  const reachedAt = new Map<OrderStatus, string>();
  for (const entry of order.timeline) if (!reachedAt.has(entry.status)) reachedAt.set(entry.status, entry.at);

  const currentIndex = HAPPY_PATH.indexOf(order.status);
  if (currentIndex < 0) {
    // Off the happy path: what was reached, in path order, then the terminal status.
    const reached = HAPPY_PATH.filter((s) => reachedAt.has(s)).map(
      (status): TimelineStep => ({ status, label: STATUS_LABELS[status], state: 'done', at: reachedAt.get(status) }),
    );
    return [
      ...reached,
      { status: order.status, label: STATUS_LABELS[order.status], state: 'ended', at: reachedAt.get(order.status) },
    ];
  }
  return HAPPY_PATH.map((status, i) => ({
    status,
    label: STATUS_LABELS[status],
    state: i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'upcoming',
    at: reachedAt.get(status),
  }));
}

/** Whether the order still waits for the shopper to pay. */
export function awaitingPayment(order: Pick<Order, 'status' | 'payment'>): boolean {
  return order.status === 'payment_requested' && order.payment?.status !== 'paid';
}

/** Whether the order has settled (no further change expected soon), so the page can stop saying "live". */
export function isSettled(status: OrderStatus): boolean {
  return status === 'delivered' || status === 'cancelled' || status === 'refunded';
}

/** Keeps the newer of two copies of an order (SSE pushes and query refetches can arrive in any order). */
export function newerOrder<T extends Pick<Order, 'version'>>(current: T | undefined, incoming: T): T {
  return current && current.version > incoming.version ? current : incoming;
}
