/**
 * What the order saga asks the invoicing ledger for, from the order's own state: the invoice of a sale once it is
 * paid (IssueInvoice), and a credit note per refund of a sale (IssueCreditNote). Pure: the saga stamps the envelope
 * and sends them to the year's series aggregate (`invoiceSeriesFor`), whose one writer gives out the numbers.
 *
 * Everything printed comes from the order's events (OrderPlaced's contact, lines and address, OrderPaid's reference),
 * never from a lookup, so a replay asks for the very same documents and the ledger treats the repeat as a no-op.
 */
import type { CommandEnvelope, InvoiceParty, OrderLine, OrdersEvent, RecordTypes } from '@streamshop/schemas/types';
import type { Order } from './order.decider.ts';

type Payload<N extends keyof RecordTypes> = Omit<RecordTypes[N], keyof CommandEnvelope>;
export type IssueInvoicePayload = Payload<'streamshop.invoicing.IssueInvoice'>;
export type IssueCreditNotePayload = Payload<'streamshop.invoicing.IssueCreditNote'>;

type EventValue<N extends OrdersEvent['type']> = Extract<OrdersEvent, { type: N }>['value'];

/**
 * The series aggregate of a document issued at `at`: invoices-<UTC year>. Numbers restart each year, and the year is
 * the event's (not a clock's), so a redelivery lands in the same series.
 */
export const invoiceSeriesFor = (at: number): string => `invoices-${new Date(at).getUTCFullYear()}`;

/** The customer as billed: the name they gave at checkout (else the one on the parcel), their e-mail, the address. */
function buyerOf(order: Order): InvoiceParty {
  return {
    name: order.contact?.name ?? order.shippingAddress?.name ?? order.customerId,
    email: order.contact?.email ?? null,
    address: order.shippingAddress,
    vatId: null,
  };
}

/**
 * The invoice of a sale just paid; null when there is none to ask for: a capture after cancellation (refunded with
 * it, no sale), or an order restored from a snapshot older than the address in the state (see order.snapshot.ts:
 * an invoice must state where the goods go, and inventing an address would be worse than the missing invoice).
 */
export function invoiceFor(order: Order, paid: EventValue<'streamshop.orders.OrderPaid'>): IssueInvoicePayload | null {
  if (!order.sale || order.shippingAddress === null) return null;
  return {
    orderId: paid.aggregateId,
    buyer: buyerOf(order),
    shippingAddress: order.shippingAddress,
    lines: [...order.lines],
    currency: order.currency,
    paymentProvider: order.paymentProvider,
    paymentReference: paid.providerReference,
  };
}

/**
 * The credit note of a refund of a sale: the refunded units of each named line at the price it was sold for (no
 * lines when the refund is an amount only, e.g. a cancellation's), the amount, and the invoice it corrects when the
 * order knows its number already (a refund right after payment may come before InvoiceIssued was recorded).
 * Null for a refund that is no sale's (a capture after cancellation, never invoiced).
 */
export function creditNoteFor(
  order: Order,
  refunded: EventValue<'streamshop.orders.OrderRefunded'>,
): IssueCreditNotePayload | null {
  if (!order.sale) return null;
  const lines: OrderLine[] = refunded.lines.flatMap(({ line, quantity }) => {
    const sold = order.lines[line];
    return sold === undefined ? [] : [{ ...sold, quantity }];
  });
  return {
    orderId: refunded.aggregateId,
    refundId: refunded.eventId,
    invoiceNumber: order.invoiceNumber,
    buyer: buyerOf(order),
    lines,
    amount: refunded.amount,
    paymentProvider: order.paymentProvider,
    paymentReference: order.paymentReference,
    reason: refunded.reason,
  };
}
