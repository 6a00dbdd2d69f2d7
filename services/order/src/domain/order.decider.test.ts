import { fold } from '@streamshop/decider';
import { given } from '@streamshop/decider/testing';
import type { RefundedLine } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { createOrderDecider, type OrderEventDraft } from './order.decider.ts';
import {
  ADDRESS,
  CONTACT,
  drafts,
  eur,
  history,
  LINES,
  MAX_UNITS_PER_SKU,
  ORDER_DECIDER_CONFIG,
  orderCommand,
  PAYMENT,
  PAYMENT_TIMEOUT_MS,
  placeOrder,
  T0,
} from './order.fixtures.ts';

const decider = createOrderDecider(ORDER_DECIDER_CONFIG);
const order = (events: OrderEventDraft[] = []) => given(decider, events);

const { placed, lineReserved, lineRejected, paymentRequested, paid, confirmed, shipped, delivered } = drafts;
const cancelled = drafts.cancelled;
const refunded = drafts.refunded;
const shippedHistory = [...history.confirmed, shipped];
const deliveredHistory = [...shippedHistory, delivered];
const cancelledAwaitingPayment = [...history.awaitingPayment, cancelled('payment_timeout')];

const recordLine = (line: number, outcome: 'reserved' | 'rejected', at = T0) =>
  orderCommand(
    'streamshop.orders.RecordLineReservation',
    { line, outcome, reason: outcome === 'rejected' ? 'insufficient_stock' : null },
    at,
  );
const recordPayment = (outcome: 'captured' | 'failed', paymentId = PAYMENT) =>
  orderCommand('streamshop.orders.RecordOrderPayment', {
    paymentId,
    outcome,
    amount: outcome === 'captured' ? eur(5000) : null,
    providerReference: outcome === 'captured' ? 'pi_1' : null,
    reason: outcome === 'failed' ? 'card_declined' : null,
  });
const expirePayment = (at: number) =>
  orderCommand('streamshop.orders.ExpireOrderPayment', { deadline: T0 + PAYMENT_TIMEOUT_MS }, at);
const confirm = orderCommand('streamshop.orders.ConfirmOrder', {});
const ship = orderCommand('streamshop.orders.ShipOrder', { carrier: 'colissimo', trackingNumber: 'TRK1' });
const deliver = orderCommand('streamshop.orders.DeliverOrder', {});
const cancel = (by: 'customer' | 'admin' = 'customer') =>
  orderCommand('streamshop.orders.CancelOrder', { reason: 'customer_request', by });
const refund = (amount: { amount: number; currency: string }, lines: RefundedLine[] = [], restock = false) =>
  orderCommand('streamshop.orders.RefundOrder', { amount, reason: 'damaged', lines, restock });

describe('PlaceOrder', () => {
  it('places the order with its total', () => {
    order().when(placeOrder()).then([placed]);
  });

  it('rejects an order id that is taken', () => {
    order(history.placed).when(placeOrder()).thenRejects('order_already_exists');
  });

  it('rejects an order without lines', () => {
    order().when(placeOrder([])).thenRejects('empty_order');
  });

  it('rejects a line with a quantity below 1', () => {
    order()
      .when(placeOrder([{ ...LINES[0]!, quantity: 0 }]))
      .thenRejects('invalid_quantity', /line 0/);
  });

  it('rejects a line priced in another currency than the order', () => {
    order()
      .when(placeOrder([LINES[0]!, { ...LINES[1]!, unitPrice: { amount: 2000, currency: 'USD' } }]))
      .thenRejects('currency_mismatch', /line 1/);
  });

  it('rejects a line with a unit price that is not positive', () => {
    order()
      .when(placeOrder([{ ...LINES[0]!, unitPrice: eur(0) }]))
      .thenRejects('invalid_price');
  });

  it('rejects a SKU repeated over several lines (the cap counts the units of a SKU together)', () => {
    order()
      .when(placeOrder([LINES[0]!, LINES[1]!, { ...LINES[0]!, quantity: 1 }]))
      .thenRejects('duplicate_sku', /line 2 repeats SKU-A \(line 0\)/);
  });

  it('accepts up to the units-per-SKU cap and rejects a line above it', () => {
    const atCap = [{ ...LINES[0]!, quantity: MAX_UNITS_PER_SKU }];
    order()
      .when(placeOrder(atCap))
      .then([{ ...placed, value: { ...placed.value, lines: atCap, total: eur(MAX_UNITS_PER_SKU * 1500) } }]);
    order()
      .when(placeOrder([LINES[1]!, { ...LINES[0]!, quantity: MAX_UNITS_PER_SKU + 1 }]))
      .thenRejects('quantity_limit_exceeded', /line 1 \(SKU-A\): 11 units; .* at most 10/);
  });
});

describe('RecordLineReservation', () => {
  it('records a reserved line while others are pending', () => {
    order(history.placed)
      .when(recordLine(0, 'reserved'))
      .then([lineReserved(0)]);
  });

  it('requests payment, with its deadline, in the decision that records the last reserved line', () => {
    const at = T0 + 5_000;
    order(history.reserving)
      .when(recordLine(1, 'reserved', at))
      .then([
        lineReserved(1),
        { ...paymentRequested, value: { ...paymentRequested.value, deadline: at + PAYMENT_TIMEOUT_MS } },
      ]);
  });

  it('cancels the order (out_of_stock) when a line is rejected', () => {
    order(history.reserving)
      .when(recordLine(1, 'rejected'))
      .then([lineRejected(1), cancelled('out_of_stock')]);
  });

  it('records outcomes arriving after the order was cancelled, without cancelling again', () => {
    const cancelledByLine1 = [...history.placed, lineRejected(1), cancelled('out_of_stock')];
    order(cancelledByLine1)
      .when(recordLine(0, 'reserved'))
      .then([lineReserved(0)]);
    const cancelledByShopper = [...history.placed, cancelled('customer_request', 'customer')];
    order(cancelledByShopper)
      .when(recordLine(0, 'rejected'))
      .then([lineRejected(0)]);
  });

  it('is a no-op when the same outcome is recorded again', () => {
    order(history.reserving).when(recordLine(0, 'reserved')).then([]);
    order(history.awaitingPayment).when(recordLine(1, 'reserved')).then([]);
  });

  it('rejects a conflicting outcome for a recorded line', () => {
    order(history.reserving)
      .when(recordLine(0, 'rejected'))
      .thenRejects('invalid_transition', /already reserved/);
    order([...history.confirmed, shipped])
      .when(recordLine(0, 'rejected'))
      .thenRejects('invalid_transition', /already reserved/);
  });

  it('a paid line whose stock inventory could not keep: cancelled (out_of_stock) and refunded in full', () => {
    const lost = orderCommand(
      'streamshop.orders.RecordLineReservation',
      { line: 1, outcome: 'rejected', reason: 'reservation_expired' },
      T0,
    );
    const lineLost: OrderEventDraft = {
      ...lineRejected(1),
      value: { ...lineRejected(1).value, reason: 'reservation_expired' },
    } as OrderEventDraft;
    order(history.confirmed)
      .when(lost)
      .then([lineLost, cancelled('out_of_stock'), refunded(5000, 'order_cancelled')]);
    order([...history.awaitingPayment, drafts.paid])
      .when(lost)
      .then([lineLost, cancelled('out_of_stock'), refunded(5000, 'order_cancelled')]);
  });

  it('rejects a line the order does not have', () => {
    order(history.placed).when(recordLine(2, 'reserved')).thenRejects('line_not_found');
  });

  it('rejects an unknown order', () => {
    order().when(recordLine(0, 'reserved')).thenRejects('order_not_found');
  });
});

describe('RequestOrderPayment', () => {
  const request = (paymentId = PAYMENT) =>
    orderCommand('streamshop.orders.RequestOrderPayment', { paymentId, deadline: T0 + PAYMENT_TIMEOUT_MS });

  it('is a no-op once payment was requested (it is requested with the last reserved line)', () => {
    order(history.awaitingPayment).when(request()).then([]);
  });

  it('rejects a request before every line is reserved, or for another payment', () => {
    order(history.reserving).when(request()).thenRejects('invalid_transition');
    order(history.awaitingPayment).when(request('another-payment')).thenRejects('invalid_transition');
  });

  it('rejects an unknown order', () => {
    order().when(request()).thenRejects('order_not_found');
  });
});

describe('RecordOrderPayment', () => {
  it('pays and confirms the order when the payment is captured', () => {
    order(history.awaitingPayment).when(recordPayment('captured')).then([paid, confirmed]);
  });

  it('cancels the order when the payment failed', () => {
    order(history.awaitingPayment)
      .when(recordPayment('failed'))
      .then([
        { type: 'streamshop.orders.OrderPaymentFailed', value: { paymentId: PAYMENT, reason: 'card_declined' } },
        cancelled('payment_failed'),
      ]);
  });

  it('refunds a capture that arrives after the order was cancelled', () => {
    order(cancelledAwaitingPayment)
      .when(recordPayment('captured'))
      .then([paid, refunded(5000, 'order_cancelled')]);
  });

  it('is a no-op for a capture recorded already, or a failure after the order moved on', () => {
    order(history.confirmed).when(recordPayment('captured')).then([]);
    order(history.confirmed).when(recordPayment('failed')).then([]);
    order(cancelledAwaitingPayment).when(recordPayment('failed')).then([]);
  });

  it('rejects a capture of another amount or currency, or of no amount: never paid on a fallback to the total', () => {
    const capture = (amount: { amount: number; currency: string } | null) =>
      orderCommand('streamshop.orders.RecordOrderPayment', {
        paymentId: PAYMENT,
        outcome: 'captured',
        amount,
        providerReference: 'pi_1',
        reason: null,
      });
    order(history.awaitingPayment)
      .when(capture({ amount: 1, currency: 'USD' }))
      .thenRejects('payment_amount_mismatch');
    order(history.awaitingPayment)
      .when(capture(eur(4999)))
      .thenRejects('payment_amount_mismatch');
    order(history.awaitingPayment)
      .when(capture({ amount: 5000, currency: 'USD' }))
      .thenRejects('payment_amount_mismatch');
    order(history.awaitingPayment).when(capture(null)).thenRejects('payment_amount_mismatch');
    order(cancelledAwaitingPayment)
      .when(capture(eur(1)))
      .thenRejects('payment_amount_mismatch');
  });

  it('rejects a payment the order did not request', () => {
    order(history.reserving)
      .when(recordPayment('captured'))
      .thenRejects('invalid_transition', /not requested/);
    order(history.awaitingPayment)
      .when(recordPayment('captured', 'another-payment'))
      .thenRejects('invalid_transition', /not the payment/);
  });

  it('rejects an unknown order', () => {
    order().when(recordPayment('captured')).thenRejects('order_not_found');
  });
});

describe('ExpireOrderPayment', () => {
  const deadline = T0 + PAYMENT_TIMEOUT_MS;

  it('cancels the order (payment_timeout) at or after the deadline while awaiting payment', () => {
    const timedOut = [
      { type: 'streamshop.orders.OrderPaymentFailed', value: { paymentId: PAYMENT, reason: 'payment_timeout' } },
      cancelled('payment_timeout'),
    ] satisfies OrderEventDraft[];
    order(history.awaitingPayment).when(expirePayment(deadline)).then(timedOut);
    order(history.awaitingPayment)
      .when(expirePayment(deadline + 60_000))
      .then(timedOut);
  });

  it('is a no-op before the deadline, or once the order is paid or cancelled', () => {
    order(history.awaitingPayment)
      .when(expirePayment(deadline - 1))
      .then([]);
    order(history.confirmed).when(expirePayment(deadline)).then([]);
    order(cancelledAwaitingPayment).when(expirePayment(deadline)).then([]);
  });

  it('rejects an unknown order', () => {
    order().when(expirePayment(deadline)).thenRejects('order_not_found');
  });
});

describe('ConfirmOrder', () => {
  it('confirms a paid order', () => {
    order([...history.awaitingPayment, paid])
      .when(confirm)
      .then([confirmed]);
  });

  it('is a no-op on a confirmed order', () => {
    order(history.confirmed).when(confirm).then([]);
  });

  it('rejects an order that is not paid yet', () => {
    order(history.awaitingPayment).when(confirm).thenRejects('order_not_paid');
  });

  it('rejects an order past confirmation or cancelled', () => {
    order(shippedHistory).when(confirm).thenRejects('invalid_transition');
    order(cancelledAwaitingPayment).when(confirm).thenRejects('invalid_transition');
  });

  it('rejects an unknown order', () => {
    order().when(confirm).thenRejects('order_not_found');
  });
});

describe('ShipOrder', () => {
  it('ships a confirmed order', () => {
    order(history.confirmed).when(ship).then([shipped]);
  });

  it('rejects shipping before payment', () => {
    order(history.placed).when(ship).thenRejects('order_not_paid');
    order(history.awaitingPayment).when(ship).thenRejects('order_not_paid');
  });

  it('rejects an order that is not confirmed', () => {
    order(shippedHistory).when(ship).thenRejects('order_not_confirmed');
    order(cancelledAwaitingPayment).when(ship).thenRejects('order_not_confirmed');
    order([...history.confirmed, refunded(5000)])
      .when(ship)
      .thenRejects('order_not_confirmed', /refunded/);
  });

  it('rejects an unknown order', () => {
    order().when(ship).thenRejects('order_not_found');
  });
});

describe('DeliverOrder', () => {
  it('delivers a shipped order', () => {
    order(shippedHistory).when(deliver).then([delivered]);
  });

  it('rejects an order that is not shipped', () => {
    order(history.confirmed).when(deliver).thenRejects('order_not_shipped');
    order(deliveredHistory).when(deliver).thenRejects('order_not_shipped');
  });

  it('rejects an unknown order', () => {
    order().when(deliver).thenRejects('order_not_found');
  });
});

describe('CancelOrder', () => {
  it('cancels an order that is not paid yet', () => {
    const byShopper = cancelled('customer_request', 'customer');
    order(history.placed).when(cancel()).then([byShopper]);
    order(history.reserving).when(cancel()).then([byShopper]);
    order(history.awaitingPayment).when(cancel()).then([byShopper]);
  });

  it('cancels a paid order before shipment and refunds what is left', () => {
    order(history.confirmed)
      .when(cancel('admin'))
      .then([cancelled('customer_request', 'admin'), refunded(5000, 'order_cancelled')]);
    order([...history.confirmed, refunded(1000, 'damaged')])
      .when(cancel())
      .then([cancelled('customer_request', 'customer'), refunded(4000, 'order_cancelled')]);
  });

  it('rejects an order that shipped, was delivered, or is cancelled already', () => {
    order(shippedHistory)
      .when(cancel())
      .thenRejects('order_not_cancellable', /shipped/);
    order(deliveredHistory).when(cancel()).thenRejects('order_not_cancellable');
    order(cancelledAwaitingPayment).when(cancel()).thenRejects('order_not_cancellable');
  });

  it('rejects an unknown order', () => {
    order().when(cancel()).thenRejects('order_not_found');
  });
});

describe('RefundOrder', () => {
  it('refunds part of a paid order, then the rest', () => {
    order(deliveredHistory)
      .when(refund(eur(1000)))
      .then([refunded(1000, 'damaged')]);
    order([...deliveredHistory, refunded(1000)])
      .when(refund(eur(4000)))
      .then([refunded(4000, 'damaged')]);
  });

  it('rejects more than what was paid, counting earlier refunds', () => {
    order(history.confirmed)
      .when(refund(eur(5001)))
      .thenRejects('refund_exceeds_paid');
    order([...deliveredHistory, refunded(1000), refunded(4000)])
      .when(refund(eur(1)))
      .thenRejects('refund_exceeds_paid');
  });

  it('rejects a cancelled order: its cancellation refunded what was paid', () => {
    order(cancelledAwaitingPayment.concat([paid, refunded(5000, 'order_cancelled')]))
      .when(refund(eur(1)))
      .thenRejects('order_not_refundable');
  });

  it('keeps the status of a partly refunded order, and moves a fully refunded one to refunded', () => {
    const afterPartial = fold(decider, [...deliveredHistory, refunded(1000)]);
    expect(afterPartial).toMatchObject({ status: 'delivered', paid: 5000, refunded: 1000 });
    const afterFull = fold(decider, [...deliveredHistory, refunded(1000), refunded(4000)]);
    expect(afterFull).toMatchObject({ status: 'refunded', refunded: 5000 });
    // A partly refunded confirmed order can still ship.
    order([...history.confirmed, refunded(1000)])
      .when(ship)
      .then([shipped]);
  });

  it('names refunded lines, each line refunded at most as many units as it has', () => {
    // LINES: line 0 is 2 × SKU-A at 1500, line 1 is 1 × SKU-B at 2000.
    order(deliveredHistory)
      .when(refund(eur(1500), [{ line: 0, quantity: 1 }]))
      .then([refunded(1500, 'damaged', [{ line: 0, quantity: 1 }])]);
    order([...deliveredHistory, refunded(1500, 'damaged', [{ line: 0, quantity: 1 }])])
      .when(refund(eur(3000), [{ line: 0, quantity: 2 }]))
      .thenRejects('refund_line_exceeds_quantity', /2 units, 1 refunded already/);
    order(deliveredHistory)
      .when(refund(eur(3000), [{ line: 1, quantity: 2 }]))
      .thenRejects('refund_line_exceeds_quantity');
    order(deliveredHistory)
      .when(
        refund(eur(3000), [
          { line: 0, quantity: 2 },
          { line: 0, quantity: 1 },
        ]),
      )
      .thenRejects('refund_line_exceeds_quantity');
  });

  it('rejects a line the order does not have, or a quantity below 1', () => {
    order(deliveredHistory)
      .when(refund(eur(100), [{ line: 2, quantity: 1 }]))
      .thenRejects('line_not_found');
    order(deliveredHistory)
      .when(refund(eur(100), [{ line: 0, quantity: 0 }]))
      .thenRejects('invalid_quantity');
  });

  it('restocks the named lines of a shipped or delivered order', () => {
    const lines = [{ line: 1, quantity: 1 }];
    order(shippedHistory)
      .when(refund(eur(2000), lines, true))
      .then([refunded(2000, 'damaged', lines, true)]);
    order(deliveredHistory)
      .when(refund(eur(2000), lines, true))
      .then([refunded(2000, 'damaged', lines, true)]);
  });

  it('rejects a restock before shipment (the units are still reserved) or without lines', () => {
    order(history.confirmed)
      .when(refund(eur(2000), [{ line: 1, quantity: 1 }], true))
      .thenRejects('restock_before_shipment');
    order(deliveredHistory)
      .when(refund(eur(2000), [], true))
      .thenRejects('restock_without_lines');
  });

  it('rejects an order that was never paid', () => {
    order(history.awaitingPayment)
      .when(refund(eur(100)))
      .thenRejects('order_not_paid');
  });

  it('rejects a non-positive amount or another currency', () => {
    order(history.confirmed)
      .when(refund(eur(0)))
      .thenRejects('invalid_amount');
    order(history.confirmed)
      .when(refund({ amount: 100, currency: 'USD' }))
      .thenRejects('currency_mismatch');
  });

  it('rejects an unknown order', () => {
    order()
      .when(refund(eur(100)))
      .thenRejects('order_not_found');
  });
});

describe('RecordOrderInvoice', () => {
  const recordInvoice = (invoiceNumber: string) =>
    orderCommand('streamshop.orders.RecordOrderInvoice', { invoiceNumber });
  const invoiced = (invoiceNumber: string): OrderEventDraft => ({
    type: 'streamshop.orders.OrderInvoiced',
    value: { invoiceNumber },
  });

  it('records the number the invoicing ledger gave the order, which its credit notes then refer to', () => {
    order(history.confirmed)
      .when(recordInvoice('INV-2026-000001'))
      .then([invoiced('INV-2026-000001')]);
    expect(fold(decider, [...history.confirmed, invoiced('INV-2026-000001')])).toMatchObject({
      invoiceNumber: 'INV-2026-000001',
      status: 'confirmed',
    });
  });

  it('is a no-op when the same number is recorded again (a redelivered InvoiceIssued)', () => {
    order([...history.confirmed, invoiced('INV-2026-000001')])
      .when(recordInvoice('INV-2026-000001'))
      .then([]);
  });

  it('rejects another number for an invoiced order', () => {
    order([...history.confirmed, invoiced('INV-2026-000001')])
      .when(recordInvoice('INV-2026-000002'))
      .thenRejects('order_already_invoiced', /INV-2026-000001/);
  });

  it('rejects an unknown order', () => {
    order().when(recordInvoice('INV-2026-000001')).thenRejects('order_not_found');
  });
});

describe('what the order keeps for its invoice and credit notes', () => {
  it('keeps the contact and shipping address from placement, the capture’s reference from payment', () => {
    expect(fold(decider, history.placed)).toMatchObject({
      contact: CONTACT,
      shippingAddress: ADDRESS,
      paymentReference: null,
      sale: false,
    });
    expect(fold(decider, history.confirmed)).toMatchObject({ paymentReference: 'pi_1', sale: true });
  });

  it('a capture after cancellation is no sale (it is refunded with the cancellation, never invoiced)', () => {
    const capturedLate = [...cancelledAwaitingPayment, paid, refunded(5000, 'order_cancelled')];
    expect(fold(decider, capturedLate)).toMatchObject({ status: 'cancelled', sale: false });
    // A sale cancelled later stays a sale: its refund gets a credit note.
    const cancelledSale = [...history.confirmed, cancelled('customer_request', 'customer'), refunded(5000)];
    expect(fold(decider, cancelledSale)).toMatchObject({ status: 'cancelled', sale: true });
  });
});
