/**
 * The Order aggregate: one shopper's order from placement to delivery (or cancellation), and the money on it.
 *
 * Status machine:  placed → reserving → awaiting_payment → paid → confirmed → shipped → delivered
 *                  any state before shipped → cancelled;  paid at some point → refunded (once fully refunded;
 *                  a partial refund keeps the status, and the refunded amount shows on the order)
 *
 * The saga feeds this aggregate the outcomes of other contexts (RecordLineReservation, RecordOrderPayment), and
 * the follow-up transitions are taken in the same decision, so no state waits on a second command that could
 * be lost: the last line reserved → OrderLineReserved + OrderPaymentRequested; a line rejected →
 * OrderLineRejected + OrderCancelled(out_of_stock); payment captured → OrderPaid + OrderConfirmed; payment
 * failed → OrderPaymentFailed + OrderCancelled(payment_failed); payment deadline passed →
 * OrderPaymentFailed(payment_timeout) + OrderCancelled(payment_timeout); a paid line's stock lost (its
 * reservation lapsed before the payment was recorded and the units were sold) → OrderLineRejected +
 * OrderCancelled(out_of_stock) + OrderRefunded.
 *
 * Money that came in is given back through OrderRefunded, always (the saga turns it into RefundPayment):
 * cancelling a paid order decides OrderCancelled + OrderRefunded of what is left, and a capture that arrives
 * after the order was cancelled (payment timeout, then the shopper paid anyway) decides OrderPaid +
 * OrderRefunded, so the order's stream accounts for every cent. Outcomes reported twice are no-ops.
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type { OrderStatus as ShownOrderStatus } from '@streamshop/schemas/order-status';
import type {
  Address,
  CancelledBy,
  Contact,
  EventDraft,
  Money,
  OrderLine,
  OrdersCommand,
  OrdersEventName,
  PaymentProvider,
  RecordTypes,
} from '@streamshop/schemas/types';
import { paymentIdFor } from './order.ids.ts';
import { refundOrder } from './order.refund.ts';

export type OrderEventDraft = EventDraft<OrdersEventName>;

export interface OrderDeciderConfig {
  /** How long after every line is reserved the payment may take before the order is cancelled (ms). */
  paymentTimeoutMs: number;
  /**
   * Most units of one SKU an order may hold. The gateway merges repeated SKUs and checks this before sending; the
   * decider checks again (defense in depth) so that no client of the commands topic can hoard a SKU's stock.
   */
  maxUnitsPerSku: number;
}

/**
 * Where the aggregate stands: the statuses an order shows (`@streamshop/schemas/order-status`), but for two steps
 * between placement and payment that the aggregate tells apart its own way. `reserving`: some lines are reserved,
 * not all (the read model still shows `placed`). `awaiting_payment`: the read model's `payment_requested`. And
 * `reserved` is never a state here: the last line's reservation requests the payment in the same decision. Snapshots
 * store these names (order.snapshot.ts), so they stay as they are.
 */
export type OrderStatus =
  | Exclude<ShownOrderStatus, 'reserved' | 'payment_requested'>
  | 'reserving'
  | 'awaiting_payment';

export type LineReservation = 'pending' | 'reserved' | 'rejected';

export interface Order {
  status: OrderStatus;
  customerId: string;
  lines: readonly OrderLine[];
  /** Inventory's answer per line, by line index. */
  reservations: readonly LineReservation[];
  currency: string;
  total: Money;
  paymentProvider: PaymentProvider;
  /** Set when payment is requested. */
  paymentId: string | null;
  paymentDeadline: number | null;
  /** Minor units captured and refunded (in `currency`). */
  paid: number;
  refunded: number;
  /** Units refunded per line, by line index: a line's units are refunded (and restocked) at most once. */
  refundedUnits: readonly number[];
  /** Set when shipped: a refund may restock only units that left stock, and a full refund before it releases them. */
  shipment: { carrier: string | null; trackingNumber: string | null } | null;
  /** Number of the invoice issued for the order (OrderInvoiced); credit notes for its refunds refer to it. */
  invoiceNumber: string | null;
  /**
   * What the saga bills from (IssueInvoice, IssueCreditNote), kept from OrderPlaced and OrderPaid so that invoices
   * come from the order's own stream. `shippingAddress` is null only for an order restored from a snapshot taken
   * before the state kept it (order.snapshot.ts); `contact` is null too when the shopper's session had no e-mail.
   */
  contact: Contact | null;
  shippingAddress: Address | null;
  /** The provider's reference of the capture (OrderPaid), printed on invoices and credit notes. */
  paymentReference: string | null;
  /**
   * Paid while the order was live: a sale, which is invoiced, and whose refunds get credit notes. A capture that
   * arrives after cancellation is refunded in the same decision and is no sale (the sales model does not count it
   * either), so it gets neither an invoice nor a credit note.
   */
  sale: boolean;
}

export type OrderState = { status: 'none' } | Order;

/** Reasons the order context itself writes into OrderCancelled / OrderPaymentFailed / OrderRefunded. */
export const ORDER_REASONS = {
  outOfStock: 'out_of_stock',
  paymentFailed: 'payment_failed',
  paymentTimeout: 'payment_timeout',
  orderCancelled: 'order_cancelled',
} as const;

const CANCELLABLE: ReadonlySet<OrderStatus> = new Set(['placed', 'reserving', 'awaiting_payment', 'paid', 'confirmed']);
const BEFORE_PAYMENT: ReadonlySet<OrderStatus> = new Set(['placed', 'reserving', 'awaiting_payment']);

const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

type Command<N extends OrdersCommand['type']> = RecordTypes[N];

function placeOrder(
  command: Command<'streamshop.orders.PlaceOrder'>,
  config: OrderDeciderConfig,
): OrderEventDraft[] | Rejection {
  const { customerId, lines, shippingAddress, currency, paymentProvider } = command;
  if (lines.length === 0) return reject('empty_order', 'an order needs at least one line');
  const lineOfSku = new Map<string, number>();
  let total = 0;
  for (const [i, { quantity, unitPrice, sku }] of lines.entries()) {
    // One line per SKU: the stock item reserves per (order, line), so repeated lines would multiply the cap below.
    const first = lineOfSku.get(sku);
    if (first !== undefined) return reject('duplicate_sku', `line ${i} repeats ${sku} (line ${first}): merge them`);
    lineOfSku.set(sku, i);
    if (!isPositiveInt(quantity))
      return reject('invalid_quantity', `line ${i} (${sku}): quantity ${quantity} is not ≥ 1`);
    if (quantity > config.maxUnitsPerSku) {
      return reject(
        'quantity_limit_exceeded',
        `line ${i} (${sku}): ${quantity} units; an order may hold at most ${config.maxUnitsPerSku} of one SKU`,
      );
    }
    if (unitPrice.currency !== currency) {
      return reject(
        'currency_mismatch',
        `line ${i} (${sku}) is priced in ${unitPrice.currency}, the order in ${currency}`,
      );
    }
    if (!isPositiveInt(unitPrice.amount)) {
      return reject('invalid_price', `line ${i} (${sku}): unit price ${unitPrice.amount} is not a positive integer`);
    }
    total += quantity * unitPrice.amount;
  }
  return [
    {
      type: 'streamshop.orders.OrderPlaced',
      value: {
        customerId,
        lines,
        shippingAddress,
        currency,
        total: { amount: total, currency },
        paymentProvider,
        contact: command.contact ?? null,
      },
    },
  ];
}

/** OrderCancelled, and OrderRefunded of whatever was paid and not refunded yet. */
function cancelWithRefund(order: Order, reason: string, by: CancelledBy): OrderEventDraft[] {
  const cancelled: OrderEventDraft = { type: 'streamshop.orders.OrderCancelled', value: { reason, by } };
  const left = order.paid - order.refunded;
  if (left <= 0) return [cancelled];
  const amount = { amount: left, currency: order.currency };
  return [
    cancelled,
    {
      type: 'streamshop.orders.OrderRefunded',
      value: { amount, reason: ORDER_REASONS.orderCancelled, lines: [], restock: false },
    },
  ];
}

function recordLineReservation(
  command: Command<'streamshop.orders.RecordLineReservation'>,
  order: Order,
  config: OrderDeciderConfig,
): OrderEventDraft[] | Rejection {
  const { aggregateId: orderId, line, outcome, issuedAt } = command;
  const orderLine = order.lines[line];
  const recorded = order.reservations[line];
  if (orderLine === undefined || recorded === undefined) {
    return reject('line_not_found', `order ${orderId} has no line ${line} (it has ${order.lines.length})`);
  }
  if (recorded === outcome) return [];
  const { sku, quantity } = orderLine;
  if (recorded === 'reserved' && outcome === 'rejected' && (order.status === 'paid' || order.status === 'confirmed')) {
    // Paid, but inventory could not keep the line's stock (its reservation had lapsed before the payment was
    // recorded, and the units were sold meanwhile): the order cannot be fulfilled, so it is cancelled and refunded.
    return [
      {
        type: 'streamshop.orders.OrderLineRejected',
        value: { line, sku, quantity, reason: command.reason ?? 'insufficient_stock' },
      },
      ...cancelWithRefund(order, ORDER_REASONS.outOfStock, 'system'),
    ];
  }
  if (recorded !== 'pending') {
    return reject('invalid_transition', `order ${orderId} line ${line} was already ${recorded}, cannot be ${outcome}`);
  }
  if (order.status !== 'placed' && order.status !== 'reserving' && order.status !== 'cancelled') {
    return reject('invalid_transition', `order ${orderId} is ${order.status}; line outcomes are no longer expected`);
  }
  if (outcome === 'rejected') {
    const rejected: OrderEventDraft = {
      type: 'streamshop.orders.OrderLineRejected',
      value: { line, sku, quantity, reason: command.reason ?? 'insufficient_stock' },
    };
    // Already cancelled (another line was rejected first): record the fact, there is nothing more to undo.
    if (order.status === 'cancelled') return [rejected];
    return [
      rejected,
      { type: 'streamshop.orders.OrderCancelled', value: { reason: ORDER_REASONS.outOfStock, by: 'system' } },
    ];
  }
  const reserved: OrderEventDraft = { type: 'streamshop.orders.OrderLineReserved', value: { line, sku, quantity } };
  // Reserved after the order was cancelled: recorded, so that the saga releases it.
  if (order.status === 'cancelled') return [reserved];
  const lastOne = order.reservations.every((r, i) => i === line || r === 'reserved');
  if (!lastOne) return [reserved];
  return [
    reserved,
    {
      type: 'streamshop.orders.OrderPaymentRequested',
      value: {
        paymentId: paymentIdFor(orderId),
        provider: order.paymentProvider,
        amount: order.total,
        deadline: issuedAt + config.paymentTimeoutMs,
      },
    },
  ];
}

function recordOrderPayment(
  command: Command<'streamshop.orders.RecordOrderPayment'>,
  order: Order,
): OrderEventDraft[] | Rejection {
  const { aggregateId: orderId, paymentId, outcome, providerReference } = command;
  if (order.paymentId === null) return reject('invalid_transition', `order ${orderId} has not requested payment`);
  if (paymentId !== order.paymentId) {
    return reject(
      'invalid_transition',
      `payment ${paymentId} is not the payment of order ${orderId} (${order.paymentId})`,
    );
  }
  if (outcome === 'failed') {
    if (order.status !== 'awaiting_payment') return []; // cancelled already, or a stale report after a capture
    return [
      {
        type: 'streamshop.orders.OrderPaymentFailed',
        value: { paymentId, reason: command.reason ?? ORDER_REASONS.paymentFailed },
      },
      { type: 'streamshop.orders.OrderCancelled', value: { reason: ORDER_REASONS.paymentFailed, by: 'system' } },
    ];
  }
  if (order.paid > 0) return []; // this capture is recorded already
  // Defense in depth: the Payment decider only reports a capture of exactly the requested amount, but an order is
  // never paid on a report that names no amount or another one (no fallback to the total).
  const amount = command.amount;
  if (amount === null || amount.amount !== order.total.amount || amount.currency !== order.total.currency) {
    const got = amount === null ? 'no amount' : `${amount.amount} ${amount.currency}`;
    return reject(
      'payment_amount_mismatch',
      `order ${orderId} totals ${order.total.amount} ${order.total.currency}; a capture of ${got} does not pay it`,
    );
  }
  const paid: OrderEventDraft = {
    type: 'streamshop.orders.OrderPaid',
    value: { paymentId, amount, providerReference },
  };
  if (order.status === 'awaiting_payment') return [paid, { type: 'streamshop.orders.OrderConfirmed', value: {} }];
  if (order.status === 'cancelled') {
    return [
      paid,
      {
        type: 'streamshop.orders.OrderRefunded',
        value: { amount, reason: ORDER_REASONS.orderCancelled, lines: [], restock: false },
      },
    ];
  }
  return reject('invalid_transition', `order ${orderId} is ${order.status}; a capture is not expected`);
}

/** The saga records the number the invoicing ledger gave the order; a redelivery is a no-op, another number a bug. */
function recordInvoice(command: Command<'streamshop.orders.RecordOrderInvoice'>, order: Order) {
  const { invoiceNumber, aggregateId } = command;
  if (order.invoiceNumber === invoiceNumber) return [];
  if (order.invoiceNumber !== null) {
    return reject('order_already_invoiced', `order ${aggregateId} was invoiced as ${order.invoiceNumber}`);
  }
  return [{ type: 'streamshop.orders.OrderInvoiced' as const, value: { invoiceNumber } }];
}

function decideOn(command: OrdersCommand, order: Order, config: OrderDeciderConfig): OrderEventDraft[] | Rejection {
  const orderId = command.value.aggregateId;
  const { status } = order;
  switch (command.type) {
    case 'streamshop.orders.PlaceOrder':
      return reject('order_already_exists', `order ${orderId} already exists`);
    case 'streamshop.orders.RecordLineReservation':
      return recordLineReservation(command.value, order, config);
    case 'streamshop.orders.RequestOrderPayment':
      // Payment is requested in the decision that records the last reserved line; this command only confirms it.
      if (status === 'awaiting_payment' && order.paymentId === command.value.paymentId) return [];
      return reject(
        'invalid_transition',
        `order ${orderId} is ${status}; payment is requested when its last line is reserved`,
      );
    case 'streamshop.orders.RecordOrderPayment':
      return recordOrderPayment(command.value, order);
    case 'streamshop.orders.ExpireOrderPayment': {
      const { issuedAt } = command.value;
      const { paymentId, paymentDeadline } = order;
      if (status !== 'awaiting_payment' || paymentId === null || paymentDeadline === null) return [];
      if (issuedAt < paymentDeadline) return []; // a timer that fired early, or a deadline that moved: not yet
      return [
        {
          type: 'streamshop.orders.OrderPaymentFailed',
          value: { paymentId, reason: ORDER_REASONS.paymentTimeout },
        },
        { type: 'streamshop.orders.OrderCancelled', value: { reason: ORDER_REASONS.paymentTimeout, by: 'system' } },
      ];
    }
    case 'streamshop.orders.ConfirmOrder':
      if (status === 'paid') return [{ type: 'streamshop.orders.OrderConfirmed', value: {} }];
      if (status === 'confirmed') return [];
      if (BEFORE_PAYMENT.has(status)) return reject('order_not_paid', `order ${orderId} is ${status}`);
      return reject('invalid_transition', `order ${orderId} is ${status}; it cannot be confirmed`);
    case 'streamshop.orders.ShipOrder': {
      if (BEFORE_PAYMENT.has(status)) return reject('order_not_paid', `order ${orderId} is ${status}; not paid yet`);
      if (status !== 'confirmed') return reject('order_not_confirmed', `order ${orderId} is ${status}`);
      const { carrier, trackingNumber } = command.value;
      return [{ type: 'streamshop.orders.OrderShipped', value: { carrier, trackingNumber } }];
    }
    case 'streamshop.orders.DeliverOrder':
      if (status !== 'shipped') return reject('order_not_shipped', `order ${orderId} is ${status}`);
      return [{ type: 'streamshop.orders.OrderDelivered', value: {} }];
    case 'streamshop.orders.CancelOrder': {
      if (!CANCELLABLE.has(status)) return reject('order_not_cancellable', `order ${orderId} is ${status}`);
      return cancelWithRefund(order, command.value.reason, command.value.by);
    }
    case 'streamshop.orders.RefundOrder':
      return refundOrder(command.value, order);
    case 'streamshop.orders.RecordOrderInvoice':
      return recordInvoice(command.value, order);
  }
}

function evolveOrder(order: Order, event: OrderEventDraft): Order {
  switch (event.type) {
    case 'streamshop.orders.OrderPlaced':
      return order;
    case 'streamshop.orders.OrderLineReserved': {
      const reservations = order.reservations.map((r, i) => (i === event.value.line ? 'reserved' : r));
      const status = order.status === 'placed' ? 'reserving' : order.status;
      return { ...order, reservations, status };
    }
    case 'streamshop.orders.OrderLineRejected': {
      const reservations = order.reservations.map((r, i) => (i === event.value.line ? 'rejected' : r));
      return { ...order, reservations };
    }
    case 'streamshop.orders.OrderPaymentRequested':
      return {
        ...order,
        status: 'awaiting_payment',
        paymentId: event.value.paymentId,
        paymentDeadline: event.value.deadline,
      };
    case 'streamshop.orders.OrderPaid': {
      const sale = order.status !== 'cancelled';
      return {
        ...order,
        status: sale ? 'paid' : 'cancelled',
        paid: order.paid + event.value.amount.amount,
        paymentReference: event.value.providerReference,
        sale,
      };
    }
    case 'streamshop.orders.OrderPaymentFailed':
      return order; // the OrderCancelled decided with it moves the status
    case 'streamshop.orders.OrderConfirmed':
      return { ...order, status: 'confirmed' };
    case 'streamshop.orders.OrderShipped': {
      const { carrier, trackingNumber } = event.value;
      return { ...order, status: 'shipped', shipment: { carrier, trackingNumber } };
    }
    case 'streamshop.orders.OrderDelivered':
      return { ...order, status: 'delivered' };
    case 'streamshop.orders.OrderCancelled':
      return { ...order, status: 'cancelled' };
    case 'streamshop.orders.OrderRefunded': {
      const refunded = order.refunded + event.value.amount.amount;
      const refundedUnits = [...order.refundedUnits];
      for (const { line, quantity } of event.value.lines) refundedUnits[line] = (refundedUnits[line] ?? 0) + quantity;
      const status = order.status !== 'cancelled' && refunded >= order.paid ? 'refunded' : order.status;
      return { ...order, refunded, refundedUnits, status };
    }
    case 'streamshop.orders.OrderInvoiced':
      return { ...order, invoiceNumber: event.value.invoiceNumber };
  }
}

function evolve(state: OrderState, event: OrderEventDraft): OrderState {
  if (event.type === 'streamshop.orders.OrderPlaced') {
    const { customerId, lines, currency, total, paymentProvider, shippingAddress } = event.value;
    return {
      status: 'placed',
      customerId,
      lines,
      reservations: lines.map(() => 'pending'),
      currency,
      total,
      paymentProvider,
      paymentId: null,
      paymentDeadline: null,
      paid: 0,
      refunded: 0,
      refundedUnits: lines.map(() => 0),
      shipment: null,
      invoiceNumber: null,
      contact: event.value.contact ?? null,
      shippingAddress,
      paymentReference: null,
      sale: false,
    };
  }
  return state.status === 'none' ? state : evolveOrder(state, event);
}

/**
 * The Order decider; `config` carries the payment timeout (the deadline is decided with the payment request) and the
 * units-per-SKU cap (checked at placement).
 */
export function createOrderDecider(config: OrderDeciderConfig): Decider<OrdersCommand, OrderEventDraft, OrderState> {
  return {
    initialState: { status: 'none' },
    evolve,
    decide(command, state) {
      if (state.status !== 'none') return decideOn(command, state, config);
      if (command.type === 'streamshop.orders.PlaceOrder') return placeOrder(command.value, config);
      return reject('order_not_found', `order ${command.value.aggregateId} does not exist`);
    },
  };
}
