/**
 * The whole checkout, pure and in memory: the four contexts' deciders and the order saga folded together by a
 * toy runtime that does what the Kafka one will (stamp envelopes, append, run the saga on what was appended).
 * It proves the domain pieces fit — versions without gaps, oversell impossible — not the Kafka wiring, which
 * the integration tests cover.
 */
import { type Decider, fold, isRejection, type Rejection } from '@streamshop/decider';
import { stockItemDecider } from '@streamshop/inventory-service';
import { paymentDecider } from '@streamshop/payment-service';
import type {
  CommandEnvelope,
  EventEnvelope,
  InventoryEvent,
  OrdersEvent,
  PaymentsEvent,
  RecordTypes,
} from '@streamshop/schemas/types';
import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { createOrderDecider, type OrderState } from './order.decider.ts';
import { ADDRESS, LINES, ORDER_DECIDER_CONFIG, PAYMENT_TIMEOUT_MS, RESERVATION_TTL_MS, T0 } from './order.fixtures.ts';
import { paymentIdFor } from './order.ids.ts';
import { react, type SagaCommand, type SagaContext, translate } from './order.saga.ts';

type StampedEvent = { type: string; value: EventEnvelope & Record<string, unknown> };
// biome-ignore lint/suspicious/noExplicitAny: the toy runtime routes records of every context by name.
type AnyDecider = Decider<any, any, any>;

const EVENT_ID_NAMESPACE = '0e5a4c1b-7d2f-4a8e-b3c6-9f1d2e4a6b80';
const orderDecider = createOrderDecider(ORDER_DECIDER_CONFIG);
// Invoicing's ledger is services/invoicing's: the toy keeps what the saga sends it (`outbox`) instead of deciding it.
const deciders: Partial<Record<SagaContext, AnyDecider>> = {
  orders: orderDecider,
  inventory: stockItemDecider,
  payments: paymentDecider,
};

/** One process, every context: streams per aggregate, a FIFO of commands, the saga on every append. */
class InMemoryCommerce {
  readonly streams = new Map<string, StampedEvent[]>();
  readonly rejections: { command: SagaCommand; rejection: Rejection }[] = [];
  /** Commands to contexts the toy does not run. */
  readonly outbox: SagaCommand[] = [];
  private readonly queue: SagaCommand[] = [];
  private issued = 0;
  now = T0;

  /** The saga's commands to these contexts arrive twice (at-least-once delivery). Commands from outside are
   * deduplicated by the runtime with their idempotency key, which this toy does not model. */
  constructor(private readonly redeliver: ReadonlySet<SagaContext> = new Set()) {}

  stream(context: SagaContext, aggregateId: string): StampedEvent[] {
    return this.streams.get(`${context}/${aggregateId}`) ?? [];
  }

  state<S>(context: SagaContext, aggregateId: string): S {
    return fold(deciders[context]!, this.stream(context, aggregateId)) as S;
  }

  /** A command from outside (a shopper, an admin, a webhook), issued now. */
  send<N extends SagaCommand['type']>(
    type: N,
    aggregateId: string,
    payload: Omit<RecordTypes[N], keyof CommandEnvelope>,
  ) {
    this.issued += 1;
    const envelope: CommandEnvelope = {
      commandId: uuidv5(`command/${this.issued}`, EVENT_ID_NAMESPACE),
      aggregateId,
      idempotencyKey: null,
      issuedAt: this.now,
      correlationId: `flow-${aggregateId}`,
      causationId: null,
    };
    const context = type.split('.')[1] as SagaContext;
    this.queue.push({ context, type, value: { ...envelope, ...payload } } as unknown as SagaCommand);
    return this;
  }

  /** Processes commands until none is left, as the runtimes would, one command per transaction. */
  run() {
    for (let command = this.queue.shift(); command; command = this.queue.shift()) {
      this.handle(command);
      if (this.redeliver.has(command.context) && command.value.causationId !== null) this.handle(command);
    }
    return this;
  }

  private handle(command: SagaCommand) {
    const { context } = command;
    const { aggregateId, commandId, issuedAt, correlationId } = command.value;
    const decider = deciders[context];
    if (decider === undefined) {
      this.outbox.push(command);
      return;
    }
    const stream = this.stream(context, aggregateId);
    const decision = decider.decide(command, fold(decider, stream));
    if (isRejection(decision)) {
      this.rejections.push({ command, rejection: decision });
      return;
    }
    const appended: StampedEvent[] = decision.map((draft: { type: string; value: object }, i: number) => ({
      type: draft.type,
      value: {
        eventId: uuidv5(`${commandId}/${i}`, EVENT_ID_NAMESPACE),
        aggregateId,
        aggregateVersion: stream.length + i + 1,
        occurredAt: issuedAt,
        correlationId,
        causationId: commandId,
        ...draft.value,
      },
    }));
    const after = [...stream, ...appended];
    this.streams.set(`${context}/${aggregateId}`, after);
    const next =
      context === 'orders'
        ? react(appended as OrdersEvent[], fold(orderDecider, after as OrdersEvent[]), {
            reservationTtlMs: RESERVATION_TTL_MS,
          })
        : appended.flatMap((event) => translate(event as unknown as InventoryEvent | PaymentsEvent));
    this.queue.push(...next);
  }
}

const receive = (commerce: InMemoryCommerce, sku: string, quantity: number) =>
  commerce.send('streamshop.inventory.ReceiveStock', sku, { quantity, reference: null });
const place = (commerce: InMemoryCommerce, orderId: string, lines = LINES) =>
  commerce.send('streamshop.orders.PlaceOrder', orderId, {
    customerId: 'user_1',
    lines,
    shippingAddress: ADDRESS,
    currency: 'EUR',
    paymentProvider: 'stripe',
    contact: null,
  });
const levels = (onHand: number, reserved: number) => ({ onHand, reserved, available: onHand - reserved });
const levelsOf = (commerce: InMemoryCommerce, sku: string) => commerce.stream('inventory', sku).at(-1)?.value.levels;
const typesAndVersions = (events: StampedEvent[]) =>
  events.map((e) => [e.type.split('.').pop(), e.value.aggregateVersion]);

describe('checkout, folded in memory', () => {
  it('happy path: placed, both lines reserved, payment requested, captured, confirmed, shipped', () => {
    const commerce = new InMemoryCommerce();
    receive(commerce, 'SKU-A', 10);
    receive(commerce, 'SKU-B', 5);
    place(commerce, 'order-1').run();

    const paymentId = paymentIdFor('order-1');
    expect(typesAndVersions(commerce.stream('payments', paymentId))).toEqual([['PaymentRequested', 1]]);
    commerce.now += 60_000;
    commerce
      .send('streamshop.payments.RecordProviderCheckout', paymentId, { provider: 'stripe', providerReference: 'pi_1' })
      .run();
    commerce
      .send('streamshop.payments.RecordProviderEvent', paymentId, {
        providerEventId: 'evt_1',
        kind: 'captured',
        providerReference: 'pi_1',
        amount: { amount: 5000, currency: 'EUR' },
        failureReason: null,
      })
      .run();

    expect(typesAndVersions(commerce.stream('orders', 'order-1'))).toEqual([
      ['OrderPlaced', 1],
      ['OrderLineReserved', 2],
      ['OrderLineReserved', 3],
      ['OrderPaymentRequested', 4],
      ['OrderPaid', 5],
      ['OrderConfirmed', 6],
    ]);
    expect(commerce.state<OrderState>('orders', 'order-1')).toMatchObject({ status: 'confirmed', paid: 5000 });
    expect(levelsOf(commerce, 'SKU-A')).toEqual(levels(10, 2));
    expect(levelsOf(commerce, 'SKU-B')).toEqual(levels(5, 1));

    commerce.send('streamshop.orders.ShipOrder', 'order-1', { carrier: null, trackingNumber: null }).run();
    expect(typesAndVersions(commerce.stream('orders', 'order-1')).at(-1)).toEqual(['OrderShipped', 7]);
    expect(levelsOf(commerce, 'SKU-A')).toEqual(levels(8, 0));
    expect(levelsOf(commerce, 'SKU-B')).toEqual(levels(4, 0));
    expect(commerce.outbox.map((c) => [c.type, c.value.aggregateId])).toEqual([
      ['streamshop.invoicing.IssueInvoice', `invoices-${new Date(T0 + 60_000).getUTCFullYear()}`],
    ]);
    expect(commerce.rejections).toEqual([]);
  });

  it('a signed capture of 1 US cent on an unrelated PaymentIntent: the order is not paid, the cent is refunded', () => {
    const commerce = new InMemoryCommerce();
    receive(commerce, 'SKU-A', 10);
    receive(commerce, 'SKU-B', 5);
    place(commerce, 'order-1').run();
    const paymentId = paymentIdFor('order-1');
    commerce
      .send('streamshop.payments.RecordProviderCheckout', paymentId, { provider: 'stripe', providerReference: 'pi_1' })
      .run();
    commerce
      .send('streamshop.payments.RecordProviderEvent', paymentId, {
        providerEventId: 'evt_cent',
        kind: 'captured',
        providerReference: 'pi_unrelated',
        amount: { amount: 1, currency: 'USD' },
        failureReason: null,
      })
      .run();

    expect(typesAndVersions(commerce.stream('payments', paymentId)).map(([type]) => type)).toEqual([
      'PaymentRequested',
      'PaymentCheckoutStarted',
      'PaymentMismatchDetected',
      'PaymentRefundRequested',
    ]);
    expect(commerce.stream('payments', paymentId).at(-1)?.value).toMatchObject({
      providerReference: 'pi_unrelated',
      amount: { amount: 1, currency: 'USD' },
      mismatch: true,
    });
    expect(commerce.state<OrderState>('orders', 'order-1')).toMatchObject({ status: 'awaiting_payment', paid: 0 });
    expect(commerce.rejections).toEqual([]);
  });

  it('oversell: 50 units, 60 orders of 1 (saga commands to inventory delivered twice) → 50 reserved, 10 cancelled', () => {
    const commerce = new InMemoryCommerce(new Set(['inventory']));
    receive(commerce, 'SKU-X', 50);
    const orderIds = Array.from({ length: 60 }, (_, i) => `order-${i}`);
    const oneUnit = [
      { sku: 'SKU-X', quantity: 1, unitPrice: { amount: 1000, currency: 'EUR' }, name: null, category: null },
    ];
    for (const orderId of orderIds) place(commerce, orderId, oneUnit);
    commerce.run();

    const orders = orderIds.map((id) => commerce.state<OrderState>('orders', id));
    expect(orders.filter((o) => o.status === 'awaiting_payment')).toHaveLength(50);
    const cancelled = orderIds.filter((id) => commerce.state<OrderState>('orders', id).status === 'cancelled');
    expect(cancelled).toHaveLength(10);
    for (const id of cancelled) {
      expect(commerce.stream('orders', id).at(-1)?.value).toMatchObject({ reason: 'out_of_stock', by: 'system' });
    }
    const stock = commerce.stream('inventory', 'SKU-X');
    expect(stock.at(-1)?.value.levels).toEqual({ onHand: 50, reserved: 50, available: 0 });
    expect(stock.map((e) => e.value.aggregateVersion)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    expect(stock.filter((e) => e.type === 'streamshop.inventory.StockReserved')).toHaveLength(50);
    expect(commerce.rejections).toEqual([]);
  });

  it('a payment that never comes: the deadline cancels the order and gives the stock back', () => {
    const commerce = new InMemoryCommerce();
    receive(commerce, 'SKU-A', 10);
    receive(commerce, 'SKU-B', 5);
    place(commerce, 'order-1').run();

    commerce.now = T0 + PAYMENT_TIMEOUT_MS;
    commerce.send('streamshop.orders.ExpireOrderPayment', 'order-1', { deadline: T0 + PAYMENT_TIMEOUT_MS }).run();

    expect(commerce.state<OrderState>('orders', 'order-1')).toMatchObject({ status: 'cancelled' });
    expect(levelsOf(commerce, 'SKU-A')).toEqual(levels(10, 0));
    expect(levelsOf(commerce, 'SKU-B')).toEqual(levels(5, 0));
    expect(commerce.rejections).toEqual([]);
  });
});
