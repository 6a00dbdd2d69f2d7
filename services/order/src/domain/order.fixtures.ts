/**
 * Shared test data for the order domain's tests (decider, saga, checkout flow): one two-line order and the
 * drafts of its events, and a builder for full command records. Test-only; not exported from the package.
 */
import type {
  CommandEnvelope,
  OrderLine,
  OrdersCommand,
  OrdersCommandName,
  RecordTypes,
  RefundedLine,
} from '@streamshop/schemas/types';
import type { OrderEventDraft } from './order.decider.ts';
import { paymentIdFor } from './order.ids.ts';

export const ORDER = 'order-1';
export const PAYMENT = paymentIdFor(ORDER);
export const T0 = 1_700_000_000_000;
export const PAYMENT_TIMEOUT_MS = 30 * 60_000;
export const RESERVATION_TTL_MS = 60 * 60_000;
export const MAX_UNITS_PER_SKU = 10;
/** The Order decider's configuration in every order test. */
export const ORDER_DECIDER_CONFIG = { paymentTimeoutMs: PAYMENT_TIMEOUT_MS, maxUnitsPerSku: MAX_UNITS_PER_SKU };

export const eur = (amount: number) => ({ amount, currency: 'EUR' });

export const LINES: OrderLine[] = [
  { sku: 'SKU-A', quantity: 2, unitPrice: eur(1500), name: 'Lamp', category: 'home' },
  { sku: 'SKU-B', quantity: 1, unitPrice: eur(2000), name: 'Book', category: 'books' },
];
export const CONTACT = { email: 'ada@example.com', name: 'Ada Lovelace', locale: 'en-GB' };
export const ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 rue des Lilas',
  line2: null,
  postalCode: '75011',
  city: 'Paris',
  region: null,
  country: 'FR',
};

export type CommandPayloadOf<N extends OrdersCommandName> = Omit<RecordTypes[N], keyof CommandEnvelope>;

/** A full order command record (envelope included), issued at `issuedAt`. */
export function orderCommand<N extends OrdersCommandName>(
  type: N,
  payload: CommandPayloadOf<N>,
  issuedAt = T0,
  aggregateId = ORDER,
): OrdersCommand {
  const envelope: CommandEnvelope = {
    commandId: '00000000-0000-4000-8000-000000000001',
    aggregateId,
    idempotencyKey: null,
    issuedAt,
    correlationId: 'corr-1',
    causationId: null,
  };
  return { type, value: { ...envelope, ...payload } } as unknown as OrdersCommand;
}

export const placeOrder = (lines: OrderLine[] = LINES) =>
  orderCommand('streamshop.orders.PlaceOrder', {
    customerId: 'user_1',
    lines,
    shippingAddress: ADDRESS,
    currency: 'EUR',
    paymentProvider: 'stripe',
    contact: CONTACT,
  });

export const drafts = {
  placed: {
    type: 'streamshop.orders.OrderPlaced',
    value: {
      customerId: 'user_1',
      lines: LINES,
      shippingAddress: ADDRESS,
      currency: 'EUR',
      total: eur(5000),
      paymentProvider: 'stripe',
      contact: CONTACT,
    },
  },
  lineReserved: (line: 0 | 1): OrderEventDraft => ({
    type: 'streamshop.orders.OrderLineReserved',
    value: { line, sku: LINES[line]!.sku, quantity: LINES[line]!.quantity },
  }),
  lineRejected: (line: 0 | 1): OrderEventDraft => ({
    type: 'streamshop.orders.OrderLineRejected',
    value: { line, sku: LINES[line]!.sku, quantity: LINES[line]!.quantity, reason: 'insufficient_stock' },
  }),
  paymentRequested: {
    type: 'streamshop.orders.OrderPaymentRequested',
    value: { paymentId: PAYMENT, provider: 'stripe', amount: eur(5000), deadline: T0 + PAYMENT_TIMEOUT_MS },
  },
  paid: {
    type: 'streamshop.orders.OrderPaid',
    value: { paymentId: PAYMENT, amount: eur(5000), providerReference: 'pi_1' },
  },
  confirmed: { type: 'streamshop.orders.OrderConfirmed', value: {} },
  shipped: { type: 'streamshop.orders.OrderShipped', value: { carrier: 'colissimo', trackingNumber: 'TRK1' } },
  delivered: { type: 'streamshop.orders.OrderDelivered', value: {} },
  cancelled: (reason: string, by: 'customer' | 'admin' | 'system' = 'system'): OrderEventDraft => ({
    type: 'streamshop.orders.OrderCancelled',
    value: { reason, by },
  }),
  refunded: (
    amount: number,
    reason: string | null = null,
    lines: RefundedLine[] = [],
    restock = false,
  ): OrderEventDraft => ({
    type: 'streamshop.orders.OrderRefunded',
    value: { amount: eur(amount), reason, lines, restock },
  }),
} satisfies Record<string, OrderEventDraft | ((...args: never[]) => OrderEventDraft)>;

/** Event streams the order can be in. */
export const history = {
  placed: [drafts.placed],
  reserving: [drafts.placed, drafts.lineReserved(0)],
  awaitingPayment: [drafts.placed, drafts.lineReserved(0), drafts.lineReserved(1), drafts.paymentRequested],
  confirmed: [
    drafts.placed,
    drafts.lineReserved(0),
    drafts.lineReserved(1),
    drafts.paymentRequested,
    drafts.paid,
    drafts.confirmed,
  ],
} satisfies Record<string, OrderEventDraft[]>;
