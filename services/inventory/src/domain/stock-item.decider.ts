/**
 * The Stock item aggregate (inventory), one per SKU. It is the single writer of its SKU's stock, which is what
 * makes oversell impossible by construction: every reservation is decided against the reservations before it.
 *
 * Invariants: `reserved` never exceeds `onHand` (so `available = onHand - reserved` is never below 0); an
 * adjustment never takes `onHand` below what is reserved; an order line holds at most one reservation, ever —
 * a repeated ReserveStock for the same (order, line) changes nothing, even after the first was released,
 * expired, committed or rejected, so a redelivered command cannot reserve twice.
 *
 * A held reservation lapses at its expiresAt (ExpireReservation, sent by a timer) unless the order confirms it
 * (ConfirmReservation, once paid): a confirmed reservation never expires, and is committed when the order ships or
 * released if it is cancelled. Without that, a paid order waiting longer than the TTL to ship would lose its
 * units to the next shopper — an oversell.
 *
 * ReserveStock is never rejected as a command: a shortage is the event StockReservationRejected, because the
 * order saga must learn of it from the event stream (a Rejection only reaches the command's reply).
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type { EventDraft, InventoryCommand, InventoryEventName, StockLevels } from '@streamshop/schemas/types';

export type StockItemEventDraft = EventDraft<InventoryEventName>;

export type ReservationStatus = 'held' | 'confirmed' | 'committed' | 'released' | 'expired' | 'rejected';

export interface Reservation {
  quantity: number;
  /** When a held reservation lapses (epoch ms); 0 for a rejected one. A confirmed one does not lapse. */
  expiresAt: number;
  status: ReservationStatus;
}

export interface StockItemState {
  /** Whether the SKU was ever stocked (received or adjusted); reserving an unknown SKU yields `unknown_sku`. */
  known: boolean;
  onHand: number;
  reserved: number;
  /** Every reservation this SKU has seen, by `reservationKey(orderId, line)`; kept to deduplicate ReserveStock. */
  reservations: Readonly<Record<string, Reservation>>;
}

/** Reasons carried by StockReservationRejected (stable snake_case codes). */
export const RESERVATION_REJECTION = {
  insufficientStock: 'insufficient_stock',
  unknownSku: 'unknown_sku',
  invalidQuantity: 'invalid_quantity',
  /** ConfirmReservation of a reservation that had expired, whose units were sold meanwhile. */
  reservationExpired: 'reservation_expired',
} as const;

export const reservationKey = (orderId: string, line: number): string => `${orderId}#${line}`;

const levels = (onHand: number, reserved: number): StockLevels => ({ onHand, reserved, available: onHand - reserved });

const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

/** Units this reservation keeps out of `available` (held or confirmed). */
const isReserving = (r: Reservation): boolean => r.status === 'held' || r.status === 'confirmed';

/** Why `quantity` units cannot be reserved now, or null when they can. */
function reservationRefusal(state: StockItemState, quantity: number): string | null {
  if (!state.known) return RESERVATION_REJECTION.unknownSku;
  if (!isPositiveInt(quantity)) return RESERVATION_REJECTION.invalidQuantity;
  if (state.onHand - state.reserved < quantity) return RESERVATION_REJECTION.insufficientStock;
  return null;
}

function decide(command: InventoryCommand, state: StockItemState): StockItemEventDraft[] | Rejection {
  const sku = command.value.aggregateId;
  const { onHand, reserved } = state;
  switch (command.type) {
    case 'streamshop.inventory.ReceiveStock': {
      const { quantity, reference } = command.value;
      if (!isPositiveInt(quantity)) return reject('invalid_quantity', `received quantity must be ≥ 1, got ${quantity}`);
      return [
        {
          type: 'streamshop.inventory.StockReceived',
          value: { quantity, reference, levels: levels(onHand + quantity, reserved) },
        },
      ];
    }
    case 'streamshop.inventory.AdjustStock': {
      const { quantityDelta, reason } = command.value;
      if (!Number.isSafeInteger(quantityDelta) || quantityDelta === 0) {
        return reject('invalid_quantity', `adjustment must be a non-zero integer, got ${quantityDelta}`);
      }
      if (onHand + quantityDelta < reserved) {
        return reject(
          'stock_would_go_negative',
          `${sku}: ${onHand} on hand ${quantityDelta} would leave less than the ${reserved} reserved`,
        );
      }
      return [
        {
          type: 'streamshop.inventory.StockAdjusted',
          value: { quantityDelta, reason, levels: levels(onHand + quantityDelta, reserved) },
        },
      ];
    }
    case 'streamshop.inventory.ReserveStock': {
      const { orderId, line, quantity, expiresAt } = command.value;
      if (state.reservations[reservationKey(orderId, line)]) return [];
      const refusal = reservationRefusal(state, quantity);
      if (refusal) {
        return [
          {
            type: 'streamshop.inventory.StockReservationRejected',
            value: { orderId, line, quantity, reason: refusal, levels: levels(onHand, reserved) },
          },
        ];
      }
      return [
        {
          type: 'streamshop.inventory.StockReserved',
          value: { orderId, line, quantity, expiresAt, levels: levels(onHand, reserved + quantity) },
        },
      ];
    }
    case 'streamshop.inventory.ReleaseReservation': {
      const { orderId, line, reason } = command.value;
      const held = state.reservations[reservationKey(orderId, line)];
      if (!held || !isReserving(held)) return []; // unknown, or already released / expired / committed
      return [
        {
          type: 'streamshop.inventory.ReservationReleased',
          value: { orderId, line, quantity: held.quantity, reason, levels: levels(onHand, reserved - held.quantity) },
        },
      ];
    }
    case 'streamshop.inventory.CommitReservation': {
      const { orderId, line } = command.value;
      const held = state.reservations[reservationKey(orderId, line)];
      if (held?.status === 'committed') return [];
      if (!held || !isReserving(held)) {
        return reject(
          'reservation_not_found',
          `${sku}: no held reservation for order ${orderId} line ${line}${held ? ` (it was ${held.status})` : ''}`,
        );
      }
      const { quantity } = held;
      return [
        {
          type: 'streamshop.inventory.ReservationCommitted',
          value: { orderId, line, quantity, levels: levels(onHand - quantity, reserved - quantity) },
        },
      ];
    }
    case 'streamshop.inventory.ConfirmReservation': {
      const { orderId, line } = command.value;
      const r = state.reservations[reservationKey(orderId, line)];
      if (r?.status === 'confirmed' || r?.status === 'committed') return [];
      const available = onHand - reserved;
      // An expired one means the payment was recorded after the TTL (a lagging saga): if nobody took the units
      // meanwhile, they are held again.
      if (r?.status === 'held' || (r?.status === 'expired' && available >= r.quantity)) {
        const reservedAfter = r.status === 'held' ? reserved : reserved + r.quantity;
        return [
          {
            type: 'streamshop.inventory.ReservationConfirmed',
            value: { orderId, line, quantity: r.quantity, levels: levels(onHand, reservedAfter) },
          },
        ];
      }
      if (r?.status === 'expired') {
        // Sold meanwhile: an event, not a rejection, because the order saga must learn of it to cancel and refund.
        return [
          {
            type: 'streamshop.inventory.StockReservationRejected',
            value: {
              orderId,
              line,
              quantity: r.quantity,
              reason: RESERVATION_REJECTION.reservationExpired,
              levels: levels(onHand, reserved),
            },
          },
        ];
      }
      return reject(
        'reservation_not_found',
        `${sku}: no reservation to confirm for order ${orderId} line ${line}${r ? ` (it was ${r.status})` : ''}`,
      );
    }
    case 'streamshop.inventory.ExpireReservation': {
      const { orderId, line, issuedAt } = command.value;
      const held = state.reservations[reservationKey(orderId, line)];
      if (held?.status !== 'held') return []; // committed, released or expired already: nothing to give back
      if (issuedAt < held.expiresAt) {
        return reject(
          'reservation_not_expired',
          `${sku}: the reservation for order ${orderId} line ${line} expires at ${held.expiresAt}, not before`,
        );
      }
      return [
        {
          type: 'streamshop.inventory.ReservationExpired',
          value: { orderId, line, quantity: held.quantity, levels: levels(onHand, reserved - held.quantity) },
        },
      ];
    }
  }
}

function withReservation(state: StockItemState, orderId: string, line: number, r: Reservation): StockItemState {
  return { ...state, reservations: { ...state.reservations, [reservationKey(orderId, line)]: r } };
}

function settle(state: StockItemState, orderId: string, line: number, status: ReservationStatus): StockItemState {
  const current = state.reservations[reservationKey(orderId, line)];
  return current ? withReservation(state, orderId, line, { ...current, status }) : state;
}

function evolve(state: StockItemState, event: StockItemEventDraft): StockItemState {
  // Every event carries the levels after it: folding takes them as they are rather than re-deriving deltas.
  const { onHand, reserved } = event.value.levels;
  const next = { ...state, onHand, reserved };
  switch (event.type) {
    case 'streamshop.inventory.StockReceived':
    case 'streamshop.inventory.StockAdjusted':
      return { ...next, known: true };
    case 'streamshop.inventory.StockReserved': {
      const { orderId, line, quantity, expiresAt } = event.value;
      return withReservation(next, orderId, line, { quantity, expiresAt, status: 'held' });
    }
    case 'streamshop.inventory.StockReservationRejected': {
      const { orderId, line, quantity } = event.value;
      return withReservation(next, orderId, line, { quantity, expiresAt: 0, status: 'rejected' });
    }
    case 'streamshop.inventory.ReservationReleased':
      return settle(next, event.value.orderId, event.value.line, 'released');
    case 'streamshop.inventory.ReservationExpired':
      return settle(next, event.value.orderId, event.value.line, 'expired');
    case 'streamshop.inventory.ReservationCommitted':
      return settle(next, event.value.orderId, event.value.line, 'committed');
    case 'streamshop.inventory.ReservationConfirmed':
      return settle(next, event.value.orderId, event.value.line, 'confirmed');
  }
}

export const stockItemDecider: Decider<InventoryCommand, StockItemEventDraft, StockItemState> = {
  initialState: { known: false, onHand: 0, reserved: 0, reservations: {} },
  evolve,
  decide,
};
