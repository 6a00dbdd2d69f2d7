/**
 * RefundOrder, decided by the Order aggregate: how much of an order's money may go back, and which of its units.
 *
 * Invariants: the money refunded never exceeds what was captured (refunded + amount ≤ paid), whatever mix of
 * admin refunds and cancellation refunds led there; a line's units are refunded at most once in total (the sum over
 * refunds ≤ the line's quantity), so a restock can never return more units than the order took; units go back to
 * stock only once they left it (shipped or delivered) — before that they are still reserved for the order.
 * The Payment aggregate caps its refunds at captured minus refunded again (defense in depth) and keeps mismatch
 * refunds apart, so an order's refunds never spend a stray capture's money.
 */
import { type Rejection, reject } from '@streamshop/decider';
import type { RecordTypes, RefundedLine } from '@streamshop/schemas/types';
import type { Order, OrderEventDraft, OrderStatus } from './order.decider.ts';

type RefundOrder = RecordTypes['streamshop.orders.RefundOrder'];

/** An order may be refunded from payment until delivery (a cancelled order was refunded by its cancellation). */
const REFUNDABLE: ReadonlySet<OrderStatus> = new Set(['paid', 'confirmed', 'shipped', 'delivered', 'refunded']);
/** Statuses whose units left stock, so a refund may put them back. */
const UNITS_LEFT_STOCK: ReadonlySet<OrderStatus> = new Set(['shipped', 'delivered']);

const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

/** Why these refunded lines are not acceptable for this order, or null when they are. */
function linesRefusal(lines: readonly RefundedLine[], order: Order, orderId: string): Rejection | null {
  const asked = new Map<number, number>();
  for (const { line, quantity } of lines) {
    const orderLine = order.lines[line];
    if (orderLine === undefined) {
      return reject('line_not_found', `order ${orderId} has no line ${line} (it has ${order.lines.length})`);
    }
    if (!isPositiveInt(quantity)) return reject('invalid_quantity', `line ${line}: quantity ${quantity} is not ≥ 1`);
    const total = (asked.get(line) ?? 0) + quantity;
    asked.set(line, total);
    const before = order.refundedUnits[line] ?? 0;
    if (before + total > orderLine.quantity) {
      return reject(
        'refund_line_exceeds_quantity',
        `line ${line} (${orderLine.sku}) has ${orderLine.quantity} units, ${before} refunded already; ${total} more is too many`,
      );
    }
  }
  return null;
}

export function refundOrder(command: RefundOrder, order: Order): OrderEventDraft[] | Rejection {
  const { aggregateId: orderId, amount, reason, lines, restock } = command;
  if (order.paid === 0) return reject('order_not_paid', `order ${orderId} was never paid`);
  if (!REFUNDABLE.has(order.status)) {
    return reject('order_not_refundable', `order ${orderId} is ${order.status}; its payment was refunded with it`);
  }
  if (!isPositiveInt(amount.amount)) return reject('invalid_amount', `refund must be positive, got ${amount.amount}`);
  if (amount.currency !== order.currency) {
    return reject('currency_mismatch', `order ${orderId} is in ${order.currency}, not ${amount.currency}`);
  }
  if (order.refunded + amount.amount > order.paid) {
    return reject(
      'refund_exceeds_paid',
      `${amount.amount} more would exceed the ${order.paid} paid (${order.refunded} already refunded)`,
    );
  }
  const refusal = linesRefusal(lines, order, orderId);
  if (refusal) return refusal;
  if (restock && lines.length === 0) {
    return reject('restock_without_lines', 'name the refunded lines (index and units) whose units go back to stock');
  }
  if (restock && !UNITS_LEFT_STOCK.has(order.status)) {
    return reject(
      'restock_before_shipment',
      `order ${orderId} is ${order.status}: its units are still reserved for it, not out of stock to return`,
    );
  }
  return [{ type: 'streamshop.orders.OrderRefunded', value: { amount, reason, lines, restock } }];
}
