/**
 * Payment deadlines: the order's deadlines for the shared deadline scheduler. An order awaiting payment
 * (OrderPaymentRequested, with its deadline) is pending until paid or cancelled; when due, ExpireOrderPayment is
 * sent to the order, issued now. The Order decider no-ops if the deadline has not come or the order is settled.
 */
import type { Deadline, DeadlineChange, ScheduledCommand } from '@streamshop/command-service';
import { type DecodedRecord, deterministicId } from '@streamshop/eventsourcing-kafka';
import type { ExpireOrderPayment, OrdersEvent } from '@streamshop/schemas/types';

export interface AwaitedPayment {
  deadline: number;
  correlationId: string;
  /** The OrderPaymentRequested event: causation of the ExpireOrderPayment. */
  eventId: string;
}

export function trackPaymentDeadlines(record: DecodedRecord): DeadlineChange<AwaitedPayment> | undefined {
  const event = record as OrdersEvent;
  switch (event.type) {
    case 'streamshop.orders.OrderPaymentRequested': {
      const { aggregateId, deadline, correlationId, eventId } = event.value;
      return { set: [{ key: aggregateId, due: deadline, item: { deadline, correlationId, eventId } }] };
    }
    case 'streamshop.orders.OrderPaid':
    case 'streamshop.orders.OrderPaymentFailed':
    case 'streamshop.orders.OrderCancelled':
      return { clear: [event.value.aggregateId] };
    default:
      return undefined;
  }
}

export function expireOrderPayment(
  { key: orderId, item }: Deadline<AwaitedPayment>,
  now: number,
  commandsTopic: string,
): ScheduledCommand[] {
  const value: ExpireOrderPayment = {
    // One id per order and deadline: a repeat after the expiry was applied is deduplicated by the runtime.
    commandId: deterministicId('expire-payment', orderId, item.deadline),
    aggregateId: orderId,
    idempotencyKey: null,
    issuedAt: now,
    correlationId: item.correlationId,
    causationId: item.eventId,
    deadline: item.deadline,
  };
  return [{ topic: commandsTopic, key: orderId, type: 'streamshop.orders.ExpireOrderPayment', value }];
}
