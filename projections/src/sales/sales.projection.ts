/**
 * The `sales` read model: one fact per order (lines, total, when it was confirmed, each refund), which the sales
 * queries aggregate per day and per SKU at query time. Only events that change a fact are folded.
 */
import { type ProjectedEvent, type ProjectionDefinition, ProjectionError } from '@streamshop/projection-runtime';
import type { Money } from '@streamshop/schemas/types';

export interface SalesFactDocument {
  _id: string;
  orderId: string;
  customerId: string;
  state: 'open' | 'confirmed' | 'refunded' | 'cancelled';
  currency: string;
  total: Money;
  lines: { sku: string; quantity: number; amount: number }[];
  confirmedAt: number | null;
  /** UTC day of the confirmation, `YYYY-MM-DD`. */
  day: string | null;
  /** When the last refund was made (the refunds query's range filter: a refund in a range implies one this late). */
  refundedAt: number | null;
  /** Everything refunded so far, in minor units. */
  refundAmount: number | null;
  /** Each refund, on the day the money moved. Absent on facts folded before refunds were listed. */
  refunds?: { at: number; amount: number }[];
}

/** The events that change a fact; the others on orders.events are ignored. */
const FACT_EVENTS = [
  'streamshop.orders.OrderPlaced',
  'streamshop.orders.OrderConfirmed',
  'streamshop.orders.OrderRefunded',
  'streamshop.orders.OrderCancelled',
] as const;
type FactEvent = ProjectedEvent<(typeof FACT_EVENTS)[number]>;

export const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

export const salesProjection: ProjectionDefinition<SalesFactDocument, FactEvent> = {
  model: 'sales',
  collection: 'sales',
  topics: ['orders.events'],
  events: FACT_EVENTS,
  indexes: [
    { key: { day: 1 }, name: 'day' },
    { key: { state: 1, confirmedAt: 1 }, name: 'state_confirmed' },
  ],
  target: (event) => ({ id: event.meta.aggregateId }),
  apply(current, event) {
    const at = Number(event.meta.occurredAt);
    const id = event.meta.aggregateId;
    if (event.type === 'streamshop.orders.OrderPlaced') {
      const v = event.value;
      return {
        _id: id,
        orderId: id,
        customerId: v.customerId,
        state: 'open',
        currency: v.currency,
        total: v.total,
        lines: v.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, amount: l.quantity * l.unitPrice.amount })),
        confirmedAt: null,
        day: null,
        refundedAt: null,
        refundAmount: null,
        refunds: [],
      };
    }
    if (!current) throw new ProjectionError(`${event.type}: order ${id} was never placed`);
    switch (event.type) {
      case 'streamshop.orders.OrderConfirmed':
        return { ...current, state: 'confirmed', confirmedAt: at, day: utcDay(at) };
      case 'streamshop.orders.OrderRefunded': {
        // Money given back for an order never confirmed (paid, then cancelled) was never a sale: no fact changes.
        if (current.confirmedAt === null) return current;
        const v = event.value;
        // Partial refunds add up; each keeps its own time, so a report puts it on the day it was made.
        const refunds = [...(current.refunds ?? []), { at, amount: v.amount.amount }];
        const refundAmount = (current.refundAmount ?? 0) + v.amount.amount;
        return { ...current, state: 'refunded', refundedAt: at, refundAmount, refunds };
      }
      case 'streamshop.orders.OrderCancelled':
        return current.state === 'open' ? { ...current, state: 'cancelled' } : current;
    }
  },
};
