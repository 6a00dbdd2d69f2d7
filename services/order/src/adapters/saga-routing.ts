/**
 * Where the saga's commands go on Kafka: each to its context's `.commands` topic (under the prefix), keyed by
 * its aggregate id — a SKU for inventory, the payment id for payments, the order id for orders — so it lands
 * on the partition of the one writer of that aggregate.
 */
import type { OutgoingRecord, StampedEvent } from '@streamshop/eventsourcing-kafka';
import type { TopicName } from '@streamshop/schemas/topics';
import type { OrdersEvent } from '@streamshop/schemas/types';
import type { OrderEventDraft, SagaCommand } from '../domain/index.ts';

export function toOutgoing(command: SagaCommand, topic: (name: TopicName) => string): OutgoingRecord {
  return {
    topic: topic(`${command.context}.commands`),
    key: command.value.aggregateId,
    type: command.type,
    value: command.value,
  };
}

/** The runtime's stamped drafts as the wire records the saga reads (envelope beside the payload). */
export function asOrderEvents(events: readonly StampedEvent<OrderEventDraft>[]): OrdersEvent[] {
  return events.map(({ event, meta }) => ({ type: event.type, value: { ...event.value, ...meta } }) as OrdersEvent);
}
