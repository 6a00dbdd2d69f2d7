import { fold } from '@streamshop/decider';
import type {
  EventEnvelope,
  InventoryEvent,
  InvoiceDocument,
  InvoicingEvent,
  OrdersEvent,
  PaymentsEvent,
} from '@streamshop/schemas/types';
import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { invoiceSeriesFor } from './order.billing.ts';
import { createOrderDecider, type Order, type OrderEventDraft } from './order.decider.ts';
import {
  ADDRESS,
  CONTACT,
  drafts,
  eur,
  history,
  LINES,
  ORDER,
  ORDER_DECIDER_CONFIG,
  PAYMENT,
  RESERVATION_TTL_MS,
  T0,
} from './order.fixtures.ts';
import { sagaCommandId } from './order.ids.ts';
import { react, type SagaCommand, translate } from './order.saga.ts';
import { orderStateCodec } from './order.snapshot.ts';

const decider = createOrderDecider(ORDER_DECIDER_CONFIG);
const config = { reservationTtlMs: RESERVATION_TTL_MS };
const AT = T0 + 1_000;

/** What the runtime does to a draft: stamp the envelope. Event ids are readable here; any string works. */
function stamp<D extends { type: string; value: object }>(draft: D, version: number, aggregateId = ORDER) {
  const envelope: EventEnvelope = {
    eventId: `${aggregateId}-event-${version}`,
    aggregateId,
    aggregateVersion: version,
    occurredAt: AT,
    correlationId: 'corr-1',
    causationId: `command-${version}`,
  };
  return { type: draft.type, value: { ...envelope, ...draft.value } };
}

/** A command without its envelope, for readable expectations (the envelope has its own tests). */
function summary(command: SagaCommand) {
  const { commandId, aggregateId, idempotencyKey, issuedAt, correlationId, causationId, actorId, ...payload } =
    command.value;
  return { context: command.context, type: command.type, to: aggregateId, ...payload };
}

/** given the order's events so far / when it decides these new ones / then the saga sends these commands. */
function givenOrder(past: OrderEventDraft[]) {
  return {
    when(next: OrderEventDraft[]) {
      const newEvents = next.map((d, i) => stamp(d, past.length + i + 1) as OrdersEvent);
      const sent = react(newEvents, fold(decider, [...past, ...next]), config);
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then vocabulary; never awaited.
        then: (expected: object[]) => expect(sent.map(summary)).toEqual(expected),
        sent,
      };
    },
  };
}

const release = (line: 0 | 1) => ({
  context: 'inventory',
  type: 'streamshop.inventory.ReleaseReservation',
  to: line === 0 ? 'SKU-A' : 'SKU-B',
  orderId: ORDER,
  line,
  reason: 'order_cancelled',
});
const refundPayment = (amount: number, reason: string | null) => ({
  context: 'payments',
  type: 'streamshop.payments.RefundPayment',
  to: PAYMENT,
  amount: eur(amount),
  reason,
});
/** AT is in November 2023 (UTC): the documents go to that year's series. */
const SERIES = 'invoices-2023';
const BUYER = { name: CONTACT.name, email: CONTACT.email, address: ADDRESS, vatId: null };
const issueInvoice = {
  context: 'invoicing',
  type: 'streamshop.invoicing.IssueInvoice',
  to: SERIES,
  orderId: ORDER,
  buyer: BUYER,
  shippingAddress: ADDRESS,
  lines: LINES,
  currency: 'EUR',
  paymentProvider: 'stripe',
  paymentReference: 'pi_1',
};
/** The credit note of the order's refund at `version` (its event id is the refund id). */
const creditNote = (
  version: number,
  amount: number,
  reason: string | null,
  lines: { line: 0 | 1; quantity: number }[] = [],
  invoiceNumber: string | null = null,
) => ({
  context: 'invoicing',
  type: 'streamshop.invoicing.IssueCreditNote',
  to: SERIES,
  orderId: ORDER,
  refundId: `${ORDER}-event-${version}`,
  invoiceNumber,
  buyer: BUYER,
  lines: lines.map(({ line, quantity }) => ({ ...LINES[line], quantity })),
  amount: eur(amount),
  paymentProvider: 'stripe',
  paymentReference: 'pi_1',
  reason,
});

describe('react: the order’s new events → commands to other contexts', () => {
  it('OrderPlaced → ReserveStock per line, to the SKU, expiring a TTL after placement', () => {
    givenOrder([])
      .when([drafts.placed])
      .then([
        {
          context: 'inventory',
          type: 'streamshop.inventory.ReserveStock',
          to: 'SKU-A',
          orderId: ORDER,
          line: 0,
          quantity: 2,
          expiresAt: AT + RESERVATION_TTL_MS,
        },
        {
          context: 'inventory',
          type: 'streamshop.inventory.ReserveStock',
          to: 'SKU-B',
          orderId: ORDER,
          line: 1,
          quantity: 1,
          expiresAt: AT + RESERVATION_TTL_MS,
        },
      ]);
  });

  it('OrderLineReserved → nothing while the order is live', () => {
    givenOrder(history.placed)
      .when([drafts.lineReserved(0)])
      .then([]);
  });

  it('OrderPaymentRequested → RequestPayment to the order’s payment', () => {
    givenOrder(history.reserving)
      .when([drafts.lineReserved(1), drafts.paymentRequested])
      .then([
        {
          context: 'payments',
          type: 'streamshop.payments.RequestPayment',
          to: PAYMENT,
          orderId: ORDER,
          provider: 'stripe',
          amount: eur(5000),
        },
      ]);
  });

  it('OrderCancelled → ReleaseReservation for each line that was reserved, and only those', () => {
    givenOrder(history.reserving)
      .when([drafts.lineRejected(1), drafts.cancelled('out_of_stock')])
      .then([release(0)]);
    givenOrder(history.placed)
      .when([drafts.cancelled('customer_request', 'customer')])
      .then([]);
    givenOrder(history.awaitingPayment)
      .when([
        { type: 'streamshop.orders.OrderPaymentFailed', value: { paymentId: PAYMENT, reason: 'payment_timeout' } },
        drafts.cancelled('payment_timeout'),
      ])
      .then([release(0), release(1)]);
  });

  it('OrderCancelled of a paid order → releases, RefundPayment of what is left and its credit note', () => {
    givenOrder(history.confirmed)
      .when([drafts.cancelled('customer_request', 'customer'), drafts.refunded(5000, 'order_cancelled')])
      .then([release(0), release(1), refundPayment(5000, 'order_cancelled'), creditNote(8, 5000, 'order_cancelled')]);
  });

  it('a paid line lost (OrderLineRejected + OrderCancelled + OrderRefunded) → releases the other lines and refunds', () => {
    const lost = {
      ...drafts.lineRejected(1),
      value: { ...drafts.lineRejected(1).value, reason: 'reservation_expired' },
    };
    givenOrder(history.confirmed)
      .when([lost as OrderEventDraft, drafts.cancelled('out_of_stock'), drafts.refunded(5000, 'order_cancelled')])
      .then([release(0), refundPayment(5000, 'order_cancelled'), creditNote(9, 5000, 'order_cancelled')]);
  });

  it('OrderLineReserved after the order was cancelled → ReleaseReservation of that line', () => {
    givenOrder([drafts.placed, drafts.lineRejected(1), drafts.cancelled('out_of_stock')])
      .when([drafts.lineReserved(0)])
      .then([release(0)]);
  });

  it('a capture after cancellation → RefundPayment only: lines released at cancellation, no sale to invoice', () => {
    givenOrder([...history.awaitingPayment, drafts.cancelled('payment_timeout')])
      .when([drafts.paid, drafts.refunded(5000, 'order_cancelled')])
      .then([refundPayment(5000, 'order_cancelled')]);
  });

  it('OrderPaid + OrderConfirmed → ConfirmReservation per line (the paid stock never lapses), then IssueInvoice', () => {
    givenOrder(history.awaitingPayment)
      .when([drafts.paid, drafts.confirmed])
      .then([
        { context: 'inventory', type: 'streamshop.inventory.ConfirmReservation', to: 'SKU-A', orderId: ORDER, line: 0 },
        { context: 'inventory', type: 'streamshop.inventory.ConfirmReservation', to: 'SKU-B', orderId: ORDER, line: 1 },
        issueInvoice,
      ]);
  });

  it('IssueInvoice bills the name on the parcel, without e-mail, when the shopper left no contact', () => {
    const noContact = { ...drafts.placed, value: { ...drafts.placed.value, contact: null } } as OrderEventDraft;
    const [, , issue] = givenOrder([noContact, ...history.awaitingPayment.slice(1)]).when([
      drafts.paid,
      drafts.confirmed,
    ]).sent;
    expect(summary(issue!)).toEqual({ ...issueInvoice, buyer: { ...BUYER, email: null } });
  });

  it('an order restored from a snapshot older than the address in the state → no invoice rather than a made-up one', () => {
    const { contact, shippingAddress, paymentReference, sale, ...before } = fold(decider, [
      ...history.awaitingPayment,
      drafts.paid,
      drafts.confirmed,
    ]) as Order;
    const restored = orderStateCodec.fromJSON(JSON.parse(JSON.stringify(before)));
    const sent = react([stamp(drafts.paid, 5) as OrdersEvent], restored, config);
    expect(sent.map((c) => c.type)).toEqual([
      'streamshop.inventory.ConfirmReservation',
      'streamshop.inventory.ConfirmReservation',
    ]);
  });

  it('documents go to the series of the UTC year of the event that caused them', () => {
    const newYear = Date.UTC(2027, 0, 1);
    expect(invoiceSeriesFor(newYear - 1)).toBe('invoices-2026');
    expect(invoiceSeriesFor(newYear)).toBe('invoices-2027');
  });

  it('OrderRefunded → RefundPayment and IssueCreditNote (the refund event is the refund id)', () => {
    givenOrder([...history.confirmed, drafts.shipped, drafts.delivered])
      .when([drafts.refunded(1200, 'damaged')])
      .then([refundPayment(1200, 'damaged'), creditNote(9, 1200, 'damaged')]);
  });

  it('a credit note refers to the order’s invoice once its number is recorded', () => {
    const invoiced: OrderEventDraft = {
      type: 'streamshop.orders.OrderInvoiced',
      value: { invoiceNumber: 'INV-2023-000042' },
    };
    givenOrder([...history.confirmed, invoiced])
      .when([drafts.refunded(1500, 'damaged', [{ line: 0, quantity: 1 }])])
      .then([
        refundPayment(1500, 'damaged'),
        creditNote(8, 1500, 'damaged', [{ line: 0, quantity: 1 }], 'INV-2023-000042'),
      ]);
  });

  it('OrderRefunded with restock → RefundPayment, and ReceiveStock of the refunded units referencing the refund', () => {
    const lines = [
      { line: 0, quantity: 1 },
      { line: 1, quantity: 1 },
    ];
    givenOrder([...history.confirmed, drafts.shipped, drafts.delivered])
      .when([drafts.refunded(3500, 'damaged', lines, true)])
      .then([
        refundPayment(3500, 'damaged'),
        // The delivered order's refund is its 9th event: refund:<orderId>:9, the same on every replay.
        {
          context: 'inventory',
          type: 'streamshop.inventory.ReceiveStock',
          to: 'SKU-A',
          quantity: 1,
          reference: `refund:${ORDER}:9`,
        },
        {
          context: 'inventory',
          type: 'streamshop.inventory.ReceiveStock',
          to: 'SKU-B',
          quantity: 1,
          reference: `refund:${ORDER}:9`,
        },
        // The credit note bills the refunded units at the price they were sold for.
        creditNote(9, 3500, 'damaged', lines as { line: 0 | 1; quantity: number }[]),
      ]);
  });

  it('OrderRefunded naming lines without restock → RefundPayment and the credit note, no restock', () => {
    givenOrder([...history.confirmed, drafts.shipped])
      .when([drafts.refunded(1500, 'damaged', [{ line: 0, quantity: 1 }], false)])
      .then([refundPayment(1500, 'damaged'), creditNote(8, 1500, 'damaged', [{ line: 0, quantity: 1 }])]);
  });

  it('OrderRefunded of all that was paid before shipment → RefundPayment and the reservations released', () => {
    const releasedByRefund = (line: 0 | 1) => ({ ...release(line), reason: 'order_refunded' });
    givenOrder(history.confirmed)
      .when([drafts.refunded(5000, 'goodwill')])
      .then([
        refundPayment(5000, 'goodwill'),
        releasedByRefund(0),
        releasedByRefund(1),
        creditNote(7, 5000, 'goodwill'),
      ]);
    // A partial refund leaves the order to ship: its reservations stay.
    givenOrder(history.confirmed)
      .when([drafts.refunded(1000, 'goodwill')])
      .then([refundPayment(1000, 'goodwill'), creditNote(7, 1000, 'goodwill')]);
    // Fully refunded after shipping: the units left with the parcel, nothing is held.
    givenOrder([...history.confirmed, drafts.shipped])
      .when([drafts.refunded(5000, 'lost')])
      .then([refundPayment(5000, 'lost'), creditNote(8, 5000, 'lost')]);
  });

  it('carries the acting admin from the event to every command it causes; the system’s events carry null', () => {
    const past = [...history.confirmed, drafts.shipped];
    const refund = drafts.refunded(2000, 'damaged', [{ line: 1, quantity: 1 }], true);
    const stamped = stamp(refund, past.length + 1);
    const byAdmin = { ...stamped, value: { ...stamped.value, actorId: 'user_admin' } } as OrdersEvent;
    const sent = react([byAdmin], fold(decider, [...past, refund]), config);
    expect(sent.map((c) => [c.type, c.value.actorId])).toEqual([
      ['streamshop.payments.RefundPayment', 'user_admin'],
      ['streamshop.inventory.ReceiveStock', 'user_admin'],
      ['streamshop.invoicing.IssueCreditNote', 'user_admin'],
    ]);
    const bySystem = givenOrder(history.confirmed).when([drafts.shipped]).sent;
    expect(bySystem.map((c) => c.value.actorId)).toEqual([null, null]);
  });

  it('OrderShipped → CommitReservation per line', () => {
    givenOrder(history.confirmed)
      .when([drafts.shipped])
      .then([
        { context: 'inventory', type: 'streamshop.inventory.CommitReservation', to: 'SKU-A', orderId: ORDER, line: 0 },
        { context: 'inventory', type: 'streamshop.inventory.CommitReservation', to: 'SKU-B', orderId: ORDER, line: 1 },
      ]);
  });

  it('OrderDelivered → nothing', () => {
    givenOrder([...history.confirmed, drafts.shipped])
      .when([drafts.delivered])
      .then([]);
  });

  it('derives each command’s envelope from its causing event', () => {
    const { sent } = givenOrder(history.confirmed).when([
      drafts.cancelled('customer_request', 'customer'),
      drafts.refunded(5000, 'order_cancelled'),
    ]);
    const cancelledId = `${ORDER}-event-7`;
    const refundedId = `${ORDER}-event-8`;
    expect(sent.map((c) => [c.value.commandId, c.value.causationId])).toEqual([
      [sagaCommandId(cancelledId, 0), cancelledId],
      [sagaCommandId(cancelledId, 1), cancelledId],
      [sagaCommandId(refundedId, 0), refundedId],
      [sagaCommandId(refundedId, 1), refundedId],
    ]);
    for (const command of sent) {
      expect(command.value).toMatchObject({ issuedAt: AT, correlationId: 'corr-1', idempotencyKey: null });
      expect(command.value.commandId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(sent.map((c) => c.value.commandId)).size).toBe(4);
  });

  it('is deterministic: the same events give byte-identical commands', () => {
    const once = givenOrder([]).when([drafts.placed]).sent;
    const twice = givenOrder([]).when([drafts.placed]).sent;
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });
});

describe('translate: inventory and payment events → order commands', () => {
  const levels = { onHand: 10, reserved: 2, available: 8 };
  const inventory = (draft: { type: InventoryEvent['type']; value: object }) =>
    stamp(draft, 4, 'SKU-A') as InventoryEvent;
  const payments = (draft: { type: PaymentsEvent['type']; value: object }) => stamp(draft, 3, PAYMENT) as PaymentsEvent;
  const translated = (event: InventoryEvent | PaymentsEvent | InvoicingEvent) => translate(event).map(summary);
  /** An issued document of the order (only its number and order matter to the saga). */
  const invoiceDocument = (kind: InvoiceDocument['kind'], number: string): InvoiceDocument => ({
    kind,
    number,
    year: 2023,
    sequence: Number(number.slice(-6)),
    issuedAt: AT,
    orderId: ORDER,
    refersTo: null,
    seller: { name: 'Streamshop SAS', email: null, address: null, vatId: 'FR00123456789' },
    buyer: BUYER,
    shippingAddress: ADDRESS,
    currency: 'EUR',
    lines: [],
    net: eur(0),
    vat: eur(0),
    gross: eur(0),
    paymentProvider: 'stripe',
    paymentReference: 'pi_1',
    reason: null,
  });

  it('StockReserved → RecordLineReservation(reserved) on the order', () => {
    const event = inventory({
      type: 'streamshop.inventory.StockReserved',
      value: { orderId: ORDER, line: 0, quantity: 2, expiresAt: AT + RESERVATION_TTL_MS, levels },
    });
    expect(translated(event)).toEqual([
      {
        context: 'orders',
        type: 'streamshop.orders.RecordLineReservation',
        to: ORDER,
        line: 0,
        outcome: 'reserved',
        reason: null,
      },
    ]);
  });

  it('StockReservationRejected → RecordLineReservation(rejected) with inventory’s reason', () => {
    const event = inventory({
      type: 'streamshop.inventory.StockReservationRejected',
      value: { orderId: ORDER, line: 1, quantity: 9, reason: 'insufficient_stock', levels },
    });
    expect(translated(event)).toEqual([
      {
        context: 'orders',
        type: 'streamshop.orders.RecordLineReservation',
        to: ORDER,
        line: 1,
        outcome: 'rejected',
        reason: 'insufficient_stock',
      },
    ]);
  });

  it('PaymentMismatchDetected and PaymentCheckoutStarted → nothing: a mismatched capture never pays the order', () => {
    const mismatch = payments({
      type: 'streamshop.payments.PaymentMismatchDetected',
      value: {
        orderId: ORDER,
        providerEventId: 'evt_odd',
        providerReference: 'pi_unrelated',
        amount: { amount: 1, currency: 'USD' },
        reason: 'unknown_reference',
      },
    });
    const started = payments({
      type: 'streamshop.payments.PaymentCheckoutStarted',
      value: { orderId: ORDER, provider: 'stripe', providerReference: 'pi_1' },
    });
    expect(translated(mismatch)).toEqual([]);
    expect(translated(started)).toEqual([]);
  });

  it('PaymentCaptured → RecordOrderPayment(captured) with amount and provider reference', () => {
    const event = payments({
      type: 'streamshop.payments.PaymentCaptured',
      value: { orderId: ORDER, providerEventId: 'evt_1', providerReference: 'pi_1', amount: eur(5000) },
    });
    expect(translated(event)).toEqual([
      {
        context: 'orders',
        type: 'streamshop.orders.RecordOrderPayment',
        to: ORDER,
        paymentId: PAYMENT,
        outcome: 'captured',
        amount: eur(5000),
        providerReference: 'pi_1',
        reason: null,
      },
    ]);
  });

  it('PaymentFailed → RecordOrderPayment(failed) with the failure code', () => {
    const event = payments({
      type: 'streamshop.payments.PaymentFailed',
      value: { orderId: ORDER, providerEventId: 'evt_2', reason: 'card_declined' },
    });
    expect(translated(event)).toEqual([
      {
        context: 'orders',
        type: 'streamshop.orders.RecordOrderPayment',
        to: ORDER,
        paymentId: PAYMENT,
        outcome: 'failed',
        amount: null,
        providerReference: null,
        reason: 'card_declined',
      },
    ]);
  });

  it('derives the envelope from the event', () => {
    const event = payments({
      type: 'streamshop.payments.PaymentFailed',
      value: { orderId: ORDER, providerEventId: null, reason: 'card_declined' },
    });
    const [command] = translate(event);
    expect(command?.value).toMatchObject({
      commandId: uuidv5(`${PAYMENT}-event-3/0`, 'c97e2b15-0d4a-4f3c-8e61-72a9b5d3f0c4'),
      aggregateId: ORDER,
      issuedAt: AT,
      correlationId: 'corr-1',
      causationId: `${PAYMENT}-event-3`,
    });
  });

  it('InvoiceIssued → RecordOrderInvoice with the number, on the order the invoice bills', () => {
    const issued = stamp(
      {
        type: 'streamshop.invoicing.InvoiceIssued',
        value: { document: invoiceDocument('invoice', 'INV-2023-000007') },
      },
      7,
      SERIES,
    ) as InvoicingEvent;
    expect(translated(issued)).toEqual([
      {
        context: 'orders',
        type: 'streamshop.orders.RecordOrderInvoice',
        to: ORDER,
        invoiceNumber: 'INV-2023-000007',
      },
    ]);
    expect(translate(issued)[0]?.value).toMatchObject({ causationId: `${SERIES}-event-7`, issuedAt: AT });
  });

  it('CreditNoteIssued → nothing: the order keeps its refunds, the ledger its credit notes', () => {
    const issued = stamp(
      {
        type: 'streamshop.invoicing.CreditNoteIssued',
        value: { document: invoiceDocument('credit_note', 'CN-2023-000001') },
      },
      8,
      SERIES,
    ) as InvoicingEvent;
    expect(translate(issued)).toEqual([]);
  });

  it('ignores events the order does not need: refunds it decided itself, other bookkeeping', () => {
    const ignored = [
      payments({
        type: 'streamshop.payments.PaymentRefunded',
        value: { orderId: ORDER, providerEventId: 'evt_3', amount: eur(5000) },
      }),
      payments({
        type: 'streamshop.payments.PaymentAuthorized',
        value: { orderId: ORDER, providerEventId: 'evt_4', providerReference: 'pi_1', amount: eur(5000) },
      }),
      inventory({
        type: 'streamshop.inventory.ReservationReleased',
        value: { orderId: ORDER, line: 0, quantity: 2, reason: 'order_cancelled', levels },
      }),
      inventory({ type: 'streamshop.inventory.StockReceived', value: { quantity: 5, reference: null, levels } }),
    ];
    for (const event of ignored) expect(translate(event)).toEqual([]);
  });
});
