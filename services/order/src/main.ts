/**
 * The order service: the Order decider and the order saga, on Kafka.
 * - A command processor over orders.*; its `react` hook turns the order's new events into the saga's commands
 *   (ReserveStock, RequestPayment, ReleaseReservation, RefundPayment, CommitReservation, IssueInvoice,
 *   IssueCreditNote), produced in the same transaction as the events.
 * - A reactor over inventory.events, payments.events and invoicing.events running the saga's `translate`: outcomes
 *   (a reservation, a capture, an issued invoice's number) become commands on the order (orders.commands), in the
 *   transaction that consumes them.
 * - The payment-deadline scheduler, sending ExpireOrderPayment when an order's payment deadline passes.
 * `tsx services/order/src/main.ts` runs it alone; `startOrderService` runs it beside the others.
 */

import {
  allOf,
  createDeadlineScheduler,
  isEntryPoint,
  runService,
  type ServiceOptions,
  serviceWiring,
} from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, createReactor, type Runnable } from '@streamshop/eventsourcing-kafka';
import type { InventoryEvent, InvoicingEvent, OrdersCommand, PaymentsEvent } from '@streamshop/schemas/types';
import { expireOrderPayment, trackPaymentDeadlines } from './adapters/payment-deadline.ts';
import { asOrderEvents, toOutgoing } from './adapters/saga-routing.ts';
import { createOrderDecider, type OrderEventDraft, orderStateCodec, react, translate } from './domain/index.ts';

export function startOrderService(config: Config, options: ServiceOptions = {}): Runnable {
  const w = serviceWiring(config, 'order-service', options);
  const topics = w.contextTopics('orders');
  const { reservationTtlMs, paymentTimeoutMs, maxUnitsPerSku } = config.orders;
  const processor = createCommandProcessor({
    ...w.runtime,
    service: w.service,
    decider: createOrderDecider({ paymentTimeoutMs, maxUnitsPerSku }),
    stateCodec: orderStateCodec,
    serde: w.serde,
    mapping: w.mapping<OrdersCommand, OrderEventDraft>(),
    topics,
    react: ({ events, state }) =>
      react(asOrderEvents(events), state, { reservationTtlMs }).map((c) => toOutgoing(c, w.topic)),
  });
  const saga = createReactor({
    ...w.runtime,
    service: `${w.service}-saga`,
    topics: [w.topic('inventory.events'), w.topic('payments.events'), w.topic('invoicing.events')],
    serde: w.serde,
    dlqTopic: w.topic('commerce.dlq'),
    react: (record) =>
      translate(record as InventoryEvent | PaymentsEvent | InvoicingEvent).map((c) => toOutgoing(c, w.topic)),
  });
  const deadlines = createDeadlineScheduler({
    ...w.runtime,
    groupId: `${w.service}-payment-deadlines`,
    eventsTopic: topics.events,
    serde: w.serde,
    intervalMs: config.timers.intervalMs,
    track: trackPaymentDeadlines,
    commandsFor: (deadline, now) => expireOrderPayment(deadline, now, topics.commands),
  });
  return allOf([processor, saga, deadlines]);
}

if (isEntryPoint(import.meta.url)) await runService('order-service', startOrderService);
