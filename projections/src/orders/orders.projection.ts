/**
 * The `orders` read model: one document per order with its lines, payment, status and a timeline of status
 * changes (what the shopper's order page and "my orders" show), folded from orders.events. An order event for an
 * order never placed cannot be applied: it goes to the DLQ rather than inventing a half order. The number of the
 * order's invoice (OrderInvoiced) is kept too, so the order page offers its download only once it exists.
 *
 * It also folds one payments event, PaymentMismatchDetected (a capture that did not match the order's payment and is
 * being refunded), onto the order's payment as `mismatches`, so operators see it where they look at the order. The
 * order's `version` stays the order aggregate's (read-your-writes waits on it); the payment's events are guarded by
 * their own version (`_v.payments`).
 */
import { type ProjectedEvent, type ProjectionDefinition, ProjectionError } from '@streamshop/projection-runtime';
import type { OrderStatus } from '@streamshop/schemas/order-status';
import {
  type Address,
  type CancelledBy,
  type Money,
  type PaymentMismatchReason,
  type PaymentProvider,
  recordNames,
} from '@streamshop/schemas/types';

const MISMATCH = 'streamshop.payments.PaymentMismatchDetected';

/** Every orders event, and of the payments' events the mismatch (the rest concern the payment, not the order). */
const EVENTS = [...recordNames.orders.events, MISMATCH] as const;
type OrdersModelEvent = ProjectedEvent<(typeof EVENTS)[number]>;
type OrderEvent = Exclude<OrdersModelEvent, { type: typeof MISMATCH }>;

export interface OrderDocument {
  _id: string;
  orderId: string;
  customerId: string;
  status: OrderStatus;
  lines: {
    line: number;
    sku: string;
    quantity: number;
    unitPrice: Money;
    reservation: 'pending' | 'reserved' | 'rejected';
    rejectionReason: string | null;
    /** Units of this line refunded so far (absent until a refund names the line). */
    refundedQuantity?: number;
  }[];
  shippingAddress: Address;
  currency: string;
  total: Money;
  paymentProvider: PaymentProvider;
  payment: null | {
    paymentId: string;
    provider: PaymentProvider;
    amount: Money;
    status: 'requested' | 'paid' | 'failed';
    deadline: number;
    providerReference: string | null;
    failureReason: string | null;
    /** Captures that did not match this payment (never paid the order; refunded). Absent until the first. */
    mismatches?: PaymentMismatch[];
  };
  cancellation: null | { reason: string; by: CancelledBy };
  /** Everything refunded so far (the sum of `refunds`) and the last reason given; null until the first refund. */
  refund: null | { amount: Money; reason: string | null };
  /** Each refund as it happened, oldest first. Absent on documents folded before refunds were listed. */
  refunds?: OrderRefund[];
  shipment: null | { carrier: string | null; trackingNumber: string | null };
  /**
   * Number of the order's invoice once issued (OrderInvoiced), else null; absent on documents folded before orders
   * were invoiced (read it as null).
   */
  invoiceNumber?: string | null;
  /** Status changes; `actorId` names the admin whose command made it (absent when the system did). */
  timeline: { status: OrderStatus; at: number; event: string; version: number; actorId?: string }[];
  placedAt: number;
  updatedAt: number;
  version: number;
}

export interface OrderRefund {
  amount: Money;
  reason: string | null;
  /** The lines (index and units) it covers; empty for a refund of an amount only. */
  lines: { line: number; quantity: number }[];
  /** Whether those units went back to stock. */
  restock: boolean;
  /** The admin who refunded; null when the system did. */
  actorId: string | null;
  at: number;
}

/**
 * How much of what was paid has been refunded: `full` once the refunds reach the captured amount (the order total
 * when no capture is recorded), `partial` below it, `none` before any.
 */
export type RefundStatus = 'none' | 'partial' | 'full';

export function refundStatusOf(doc: Pick<OrderDocument, 'refund' | 'payment' | 'total'>): RefundStatus {
  const refunded = doc.refund?.amount.amount ?? 0;
  if (refunded <= 0) return 'none';
  const paid = doc.payment?.status === 'paid' ? doc.payment.amount.amount : doc.total.amount;
  return refunded >= paid ? 'full' : 'partial';
}

export interface PaymentMismatch {
  /** The provider's id of what was captured (PaymentIntent id, PayPal order id). */
  reference: string;
  /** What the provider reported captured; null when it reported no amount. */
  amount: Money | null;
  reason: PaymentMismatchReason;
  /** The provider event that reported it. */
  providerEventId: string;
  at: number;
}

const shortName = (type: string) => type.slice(type.lastIndexOf('.') + 1);

/** The acting admin an event records (events of admin commands carry `actorId`); null for the system's own. */
function actorOf(event: OrderEvent): string | null {
  // The envelope, `actorId` included, reaches a projection as `meta`, never in the payload.
  const { actorId } = event.meta;
  return typeof actorId === 'string' && actorId !== '' ? actorId : null;
}

function withStatus(doc: OrderDocument, status: OrderStatus, event: OrderEvent): OrderDocument {
  if (doc.status === status) return doc;
  const at = Number(event.meta.occurredAt);
  const actorId = actorOf(event);
  const entry = {
    status,
    at,
    event: shortName(event.type),
    version: event.meta.aggregateVersion,
    ...(actorId ? { actorId } : {}),
  };
  return { ...doc, status, timeline: [...doc.timeline, entry] };
}

function setLine(doc: OrderDocument, line: number, change: Partial<OrderDocument['lines'][number]>, type: string) {
  if (!doc.lines.some((l) => l.line === line))
    throw new ProjectionError(`${type}: order ${doc.orderId} has no line ${line}`);
  return doc.lines.map((l) => (l.line === line ? { ...l, ...change } : l));
}

/** A mismatched capture onto the order's payment; the order's own version and status do not move. */
function applyMismatch(current: OrderDocument | null, event: ProjectedEvent<typeof MISMATCH>): OrderDocument {
  const v = event.value;
  if (!current?.payment) throw new ProjectionError(`PaymentMismatchDetected: order ${v.orderId} has no payment`);
  const at = Number(event.meta.occurredAt);
  const mismatch: PaymentMismatch = {
    reference: v.providerReference,
    amount: v.amount,
    reason: v.reason,
    providerEventId: v.providerEventId,
    at,
  };
  const mismatches = [...(current.payment.mismatches ?? []), mismatch];
  return { ...current, updatedAt: at, payment: { ...current.payment, mismatches } };
}

/**
 * A refund adds to what was refunded. Only a refund that brings the total to what was paid makes the order
 * `refunded`: a partly refunded order is still shipped (or delivered), and shows the amount and `partial` instead.
 * This is the Order decider's rule, so the status shown is the aggregate's.
 */
function applyRefund(doc: OrderDocument, event: ProjectedEvent<'streamshop.orders.OrderRefunded'>): OrderDocument {
  const v = event.value;
  const at = Number(event.meta.occurredAt);
  // Decoded events always carry `lines` and `restock` (older ones get the schema's defaults); the fallbacks are for
  // events built by hand, as the unit tests do.
  const refunded = (v.lines ?? []).map((l) => ({ line: l.line, quantity: l.quantity }));
  const refund: OrderRefund = {
    amount: v.amount,
    reason: v.reason ?? null,
    lines: refunded,
    restock: v.restock ?? false,
    actorId: actorOf(event),
    at,
  };
  let lines = doc.lines;
  for (const r of refunded) {
    const now = lines.find((l) => l.line === r.line)?.refundedQuantity ?? 0;
    lines = setLine({ ...doc, lines }, r.line, { refundedQuantity: now + r.quantity }, 'OrderRefunded');
  }
  const amount = { amount: (doc.refund?.amount.amount ?? 0) + v.amount.amount, currency: v.amount.currency };
  const next = {
    ...doc,
    lines,
    refunds: [...(doc.refunds ?? []), refund],
    refund: { amount, reason: v.reason ?? doc.refund?.reason ?? null },
  };
  // As the Order decider: a cancelled order's refund (of a capture that came in anyway) leaves it cancelled.
  return refundStatusOf(next) === 'full' && doc.status !== 'cancelled' ? withStatus(next, 'refunded', event) : next;
}

function apply(current: OrderDocument | null, event: OrdersModelEvent): OrderDocument {
  if (event.type === MISMATCH) return applyMismatch(current, event);
  const at = Number(event.meta.occurredAt);
  const id = event.meta.aggregateId;
  if (event.type === 'streamshop.orders.OrderPlaced') {
    if (current) throw new ProjectionError(`OrderPlaced: order ${id} was already placed`);
    const v = event.value;
    if (v.lines.length === 0) throw new ProjectionError(`OrderPlaced: order ${id} has no lines`);
    return {
      _id: id,
      orderId: id,
      customerId: v.customerId,
      status: 'placed',
      lines: v.lines.map((l, line) => ({ line, ...l, reservation: 'pending', rejectionReason: null })),
      shippingAddress: v.shippingAddress,
      currency: v.currency,
      total: v.total,
      paymentProvider: v.paymentProvider,
      payment: null,
      cancellation: null,
      refund: null,
      refunds: [],
      shipment: null,
      invoiceNumber: null,
      timeline: [{ status: 'placed', at, event: 'OrderPlaced', version: event.meta.aggregateVersion }],
      placedAt: at,
      updatedAt: at,
      version: event.meta.aggregateVersion,
    };
  }
  if (!current) throw new ProjectionError(`${shortName(event.type)}: order ${id} was never placed`);
  const doc = { ...current, updatedAt: at, version: event.meta.aggregateVersion };
  // Exhaustive over the orders events: one added to the schemas fails the typecheck here until it is folded.
  switch (event.type) {
    case 'streamshop.orders.OrderLineReserved': {
      const v = event.value;
      const lines = setLine(doc, v.line, { reservation: 'reserved' }, 'OrderLineReserved');
      const next = { ...doc, lines };
      return lines.every((l) => l.reservation === 'reserved') && doc.status === 'placed'
        ? withStatus(next, 'reserved', event)
        : next;
    }
    case 'streamshop.orders.OrderLineRejected': {
      const v = event.value;
      return {
        ...doc,
        lines: setLine(doc, v.line, { reservation: 'rejected', rejectionReason: v.reason }, 'OrderLineRejected'),
      };
    }
    case 'streamshop.orders.OrderPaymentRequested': {
      const v = event.value;
      const payment = {
        paymentId: v.paymentId,
        provider: v.provider,
        amount: v.amount,
        status: 'requested' as const,
        deadline: Number(v.deadline),
        providerReference: null,
        failureReason: null,
      };
      return withStatus({ ...doc, payment }, 'payment_requested', event);
    }
    case 'streamshop.orders.OrderPaid': {
      const v = event.value;
      const payment = doc.payment ?? {
        paymentId: v.paymentId,
        provider: doc.paymentProvider,
        amount: v.amount,
        deadline: 0,
        failureReason: null,
        status: 'paid' as const,
        providerReference: null,
      };
      return withStatus(
        { ...doc, payment: { ...payment, status: 'paid', amount: v.amount, providerReference: v.providerReference } },
        'paid',
        event,
      );
    }
    case 'streamshop.orders.OrderPaymentFailed': {
      const v = event.value;
      if (!doc.payment) return doc;
      return { ...doc, payment: { ...doc.payment, status: 'failed', failureReason: v.reason } };
    }
    case 'streamshop.orders.OrderConfirmed':
      return withStatus(doc, 'confirmed', event);
    case 'streamshop.orders.OrderShipped': {
      const v = event.value;
      return withStatus(
        { ...doc, shipment: { carrier: v.carrier, trackingNumber: v.trackingNumber } },
        'shipped',
        event,
      );
    }
    case 'streamshop.orders.OrderDelivered':
      return withStatus(doc, 'delivered', event);
    case 'streamshop.orders.OrderCancelled': {
      const v = event.value;
      return withStatus({ ...doc, cancellation: { reason: v.reason, by: v.by } }, 'cancelled', event);
    }
    case 'streamshop.orders.OrderRefunded':
      return applyRefund(doc, event);
    case 'streamshop.orders.OrderInvoiced': {
      // Not a status change (an order is invoiced once paid, whatever happens next): no timeline entry.
      const v = event.value;
      return { ...doc, invoiceNumber: v.invoiceNumber };
    }
  }
}

export const ordersProjection: ProjectionDefinition<OrderDocument, OrdersModelEvent> = {
  model: 'orders',
  collection: 'orders',
  topics: ['orders.events', 'payments.events'],
  events: EVENTS,
  indexes: [
    { key: { customerId: 1, placedAt: -1 }, name: 'customer_newest' },
    { key: { status: 1 }, name: 'status' },
  ],
  target(event) {
    // A mismatch is the payment's event; the payment names its order.
    return event.type === MISMATCH ? { id: event.value.orderId } : { id: event.meta.aggregateId };
  },
  apply,
  notice: (doc) => ({ id: doc._id, version: doc.version, customerId: doc.customerId }),
};
