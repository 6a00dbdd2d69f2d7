/**
 * Plausible orders.events streams for tests and benchmarks, without running the write side: each order's events
 * as the order service would append them (envelope, versions 1..n, times), so a projection can be folded over
 * thousands of events in seconds. Most orders go placed → reserved → paid → confirmed; every seventh loses a line
 * to stock and is cancelled; every eleventh is confirmed and then refunded.
 */
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import type { OrdersEventName, RecordTypes } from '@streamshop/schemas/types';

export interface SampleEvent {
  type: OrdersEventName;
  key: string;
  value: RecordTypes[OrdersEventName];
}

const EUR = (amount: number) => ({ amount, currency: 'EUR' });

/** The events of one order, `stepMs` apart from `placedAt`. */
export function sampleOrderEvents(orderId: string, customerId: string, placedAt: number, n: number, stepMs = 1_000) {
  const skuA = `SKU-${(n % 40).toString().padStart(3, '0')}`;
  const skuB = `SKU-${((n * 7 + 3) % 40).toString().padStart(3, '0')}`;
  const lines = [
    { sku: skuA, quantity: 1 + (n % 3), unitPrice: EUR(500 + (n % 17) * 100), name: `Product ${skuA}`, category: null },
    { sku: skuB, quantity: 1, unitPrice: EUR(1_250), name: `Product ${skuB}`, category: 'books' },
  ];
  const total = EUR(lines.reduce((sum, l) => sum + l.quantity * l.unitPrice.amount, 0));
  const drafts: { type: OrdersEventName; payload: object }[] = [
    {
      type: 'streamshop.orders.OrderPlaced',
      payload: {
        customerId,
        lines,
        shippingAddress: {
          name: 'Sam',
          line1: '1 Main St',
          line2: null,
          postalCode: '1000',
          city: 'Brussels',
          region: null,
          country: 'BE',
        },
        currency: 'EUR',
        total,
        paymentProvider: n % 2 === 0 ? 'stripe' : 'paypal',
        contact: n % 5 === 0 ? null : { email: `${customerId}@example.com`, name: 'Sam', locale: 'en-GB' },
      },
    },
    { type: 'streamshop.orders.OrderLineReserved', payload: { line: 0, sku: skuA, quantity: lines[0]?.quantity } },
  ];
  if (n % 7 === 3) {
    drafts.push(
      {
        type: 'streamshop.orders.OrderLineRejected',
        payload: { line: 1, sku: skuB, quantity: 1, reason: 'out_of_stock' },
      },
      { type: 'streamshop.orders.OrderCancelled', payload: { reason: 'out_of_stock', by: 'system' } },
    );
  } else {
    const paymentId = deterministicId('payment', orderId);
    drafts.push(
      { type: 'streamshop.orders.OrderLineReserved', payload: { line: 1, sku: skuB, quantity: 1 } },
      {
        type: 'streamshop.orders.OrderPaymentRequested',
        payload: {
          paymentId,
          provider: n % 2 === 0 ? 'stripe' : 'paypal',
          amount: total,
          deadline: placedAt + 1_800_000,
        },
      },
      { type: 'streamshop.orders.OrderPaid', payload: { paymentId, amount: total, providerReference: `pi_${n}` } },
      { type: 'streamshop.orders.OrderConfirmed', payload: {} },
    );
    if (n % 11 === 5)
      drafts.push({ type: 'streamshop.orders.OrderRefunded', payload: { amount: total, reason: 'damaged' } });
  }
  return drafts.map(
    ({ type, payload }, i): SampleEvent => ({
      type,
      key: orderId,
      value: {
        eventId: deterministicId('sample-event', orderId, i),
        aggregateId: orderId,
        aggregateVersion: i + 1,
        occurredAt: placedAt + i * stepMs,
        correlationId: orderId,
        causationId: deterministicId('sample-command', orderId, i),
        ...payload,
      } as RecordTypes[OrdersEventName],
    }),
  );
}

/**
 * `count` orders' events, interleaved the way a busy shop writes them (orders overlap in time), in the order
 * they would be appended. Order ids derive from `seed`, so two calls with one seed make the same stream.
 */
export function sampleOrderStream(options: {
  seed: string;
  count: number;
  startAt: number;
  customers?: number;
  first?: number;
}) {
  const first = options.first ?? 0;
  const perOrder = Array.from({ length: options.count }, (_, i) => {
    const n = first + i;
    const orderId = deterministicId('sample-order', options.seed, n);
    return sampleOrderEvents(orderId, `customer-${n % (options.customers ?? 25)}`, options.startAt + n * 250, n);
  });
  // Interleave by time, as a busy shop appends them: orders overlap, each order's events stay in version order.
  return perOrder
    .flat()
    .sort((a, b) => Number(a.value.occurredAt) - Number(b.value.occurredAt) || a.key.localeCompare(b.key));
}
