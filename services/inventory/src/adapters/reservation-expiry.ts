/**
 * Reservation TTL: the inventory's deadlines for the shared deadline scheduler. A held reservation (StockReserved,
 * with its expiresAt) is pending until confirmed (its order was paid: it no longer expires), committed, released or
 * expired; when due, ExpireReservation is sent to the SKU, issued now. The Stock item decider rejects it if the
 * reservation is not due yet and no-ops if it is settled.
 */
import type { Deadline, DeadlineChange, ScheduledCommand } from '@streamshop/command-service';
import { type DecodedRecord, deterministicId } from '@streamshop/eventsourcing-kafka';
import type { ExpireReservation, InventoryEvent } from '@streamshop/schemas/types';

export interface HeldReservation {
  sku: string;
  orderId: string;
  line: number;
  correlationId: string;
  /** The StockReserved event: causation of the ExpireReservation. */
  eventId: string;
}

const keyOf = (sku: string, orderId: string, line: number) => `${sku}#${orderId}#${line}`;

export function trackReservations(record: DecodedRecord): DeadlineChange<HeldReservation> | undefined {
  const event = record as InventoryEvent;
  switch (event.type) {
    case 'streamshop.inventory.StockReserved': {
      const { aggregateId: sku, orderId, line, expiresAt, correlationId, eventId } = event.value;
      const item = { sku, orderId, line, correlationId, eventId };
      return { set: [{ key: keyOf(sku, orderId, line), due: expiresAt, item }] };
    }
    case 'streamshop.inventory.ReservationConfirmed':
    case 'streamshop.inventory.ReservationCommitted':
    case 'streamshop.inventory.ReservationReleased':
    case 'streamshop.inventory.ReservationExpired': {
      const { aggregateId: sku, orderId, line } = event.value;
      return { clear: [keyOf(sku, orderId, line)] };
    }
    default:
      return undefined;
  }
}

export function expireReservation(
  { item }: Deadline<HeldReservation>,
  now: number,
  commandsTopic: string,
): ScheduledCommand[] {
  const value: ExpireReservation = {
    // One id per reservation: a repeat after the expiry was applied is deduplicated by the runtime.
    commandId: deterministicId('expire-reservation', item.sku, item.orderId, item.line),
    aggregateId: item.sku,
    idempotencyKey: null,
    issuedAt: now,
    correlationId: item.correlationId,
    causationId: item.eventId,
    orderId: item.orderId,
    line: item.line,
  };
  return [{ topic: commandsTopic, key: item.sku, type: 'streamshop.inventory.ExpireReservation', value }];
}
