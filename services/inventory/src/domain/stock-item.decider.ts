/**
 * The Stock item aggregate (inventory), one per SKU. It is the single writer of its SKU's stock, which is what
 * makes oversell impossible by construction: every reservation is decided against the reservations before it.
 *
 * Invariants: `reserved` never exceeds `onHand` (so `available = onHand - reserved` is never below 0); an
 * adjustment never takes `onHand` below what is reserved; an order line holds at most one reservation, ever —
 * a repeated ReserveStock for the same (order, line) changes nothing, even after the first was released,
 * expired, committed or rejected, so a redelivered command cannot reserve twice.
 *
 * Bounded memory, without giving that up. Remembering every (order, line) ever seen would let the state (and its
 * snapshots) grow without bound — one entry per rejected attempt, forever. Instead:
 * - every reservation, rejected ones included, keeps its ReserveStock's `expiresAt` (commands are derived, so a
 *   redelivery carries the very same one);
 * - `watermark` is the latest `requestedAt` (a ReserveStock's issuedAt: its order's placement time) this SKU decided;
 *   it only moves forward;
 * - a settled reservation (rejected, released, committed) is forgotten once its `expiresAt` is before the
 *   watermark; an expired one EXPIRED_RETENTION_MS later, because a payment recorded after the TTL still confirms it
 *   (ConfirmReservation holds it again, or tells the saga its units were sold);
 * - a ReserveStock whose `expiresAt` is before the watermark is a no-op.
 * So a forgotten line's expiresAt is before the watermark, its redelivered ReserveStock is too, and it is a no-op:
 * never a second reservation. What is kept is what is held or confirmed (each holds ≥ 1 unit, so at most `onHand`
 * entries) plus what was requested within one reservation TTL (plus the expired retention) before the newest request.
 * The price: a ReserveStock that lapsed before a newer one was decided (its order placed more than a TTL before
 * another order of this SKU, i.e. a saga lagging by more than the TTL) is ignored, not decided late: its reservation
 * would have lapsed already. Rejected reservations recorded before they carried `expiresAt` (0) are kept: their
 * expiry is unknown, so forgetting them could let a redelivery reserve.
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
import type {
  EventDraft,
  InventoryCommand,
  InventoryEventName,
  RecordTypes,
  StockLevels,
} from '@streamshop/schemas/types';

export type StockItemEventDraft = EventDraft<InventoryEventName>;

export type ReservationStatus = 'held' | 'confirmed' | 'committed' | 'released' | 'expired' | 'rejected';

export interface Reservation {
  quantity: number;
  /**
   * When a held reservation lapses (epoch ms), its ReserveStock's; a rejected one keeps it too, to be remembered until
   * the watermark passes it (0: rejected before rejections carried it). A confirmed one does not lapse.
   */
  expiresAt: number;
  status: ReservationStatus;
}

export interface StockItemState {
  /** Whether the SKU was ever stocked (received or adjusted); reserving an unknown SKU yields `unknown_sku`. */
  known: boolean;
  onHand: number;
  reserved: number;
  /**
   * The latest `requestedAt` (a ReserveStock's issuedAt) decided here, epoch ms; 0 before any. Settled reservations
   * that lapsed before it are forgotten, and a ReserveStock that lapsed before it is a stale redelivery (see above).
   */
  watermark: number;
  /**
   * The reservations this SKU must still remember, by `reservationKey(orderId, line)`, to deduplicate ReserveStock:
   * the held and confirmed ones, and the settled ones not yet behind the watermark.
   */
  reservations: Readonly<Record<string, Reservation>>;
  /** Available units at or below which the SKU is low on stock; 0: no alert (the default). */
  lowStockThreshold: number;
}

/**
 * How long after its expiresAt (measured on the watermark) an expired reservation is still remembered: a payment
 * recorded after the reservation TTL confirms it then (holding it again, or cancelling and refunding the order).
 */
export const EXPIRED_RETENTION_MS = 24 * 60 * 60_000;

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

type Command<N extends InventoryCommand['type']> = RecordTypes[N];

/** Units arrive (a delivery, or a refund's restock with reference `refund:<orderId>:<n>`). */
function receiveStock(
  command: Command<'streamshop.inventory.ReceiveStock'>,
  { onHand, reserved }: StockItemState,
): StockItemEventDraft[] | Rejection {
  const { quantity, reference } = command;
  if (!isPositiveInt(quantity)) return reject('invalid_quantity', `received quantity must be ≥ 1, got ${quantity}`);
  return [
    {
      type: 'streamshop.inventory.StockReceived',
      value: { quantity, reference, levels: levels(onHand + quantity, reserved) },
    },
  ];
}

/**
 * A count correction. It may take away available units but never reserved ones: those are promised to orders,
 * and taking them would oversell; the operator releases or ships those orders first.
 */
function adjustStock(
  command: Command<'streamshop.inventory.AdjustStock'>,
  { onHand, reserved }: StockItemState,
): StockItemEventDraft[] | Rejection {
  const { aggregateId: sku, quantityDelta, reason } = command;
  if (!Number.isSafeInteger(quantityDelta) || quantityDelta === 0) {
    return reject('invalid_quantity', `adjustment must be a non-zero integer, got ${quantityDelta}`);
  }
  if (reason.trim() === '') return reject('reason_required', `${sku}: say why the count is corrected`);
  if (onHand + quantityDelta < reserved) {
    return reject(
      'adjustment_below_reserved',
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

/** The low-stock alert level; allowed before the first delivery, so a new SKU is watched from its first sale. */
function setLowStockThreshold(
  command: Command<'streamshop.inventory.SetLowStockThreshold'>,
  { onHand, reserved, lowStockThreshold }: StockItemState,
): StockItemEventDraft[] | Rejection {
  const { threshold } = command;
  if (!Number.isSafeInteger(threshold) || threshold < 0) {
    return reject('invalid_threshold', `a low-stock threshold is a whole number of units ≥ 0, got ${threshold}`);
  }
  if (threshold === lowStockThreshold) return [];
  return [
    {
      type: 'streamshop.inventory.LowStockThresholdSet',
      value: { threshold, previousThreshold: lowStockThreshold, levels: levels(onHand, reserved) },
    },
  ];
}

function decide(command: InventoryCommand, state: StockItemState): StockItemEventDraft[] | Rejection {
  const sku = command.value.aggregateId;
  const { onHand, reserved } = state;
  switch (command.type) {
    case 'streamshop.inventory.ReceiveStock':
      return receiveStock(command.value, state);
    case 'streamshop.inventory.AdjustStock':
      return adjustStock(command.value, state);
    case 'streamshop.inventory.SetLowStockThreshold':
      return setLowStockThreshold(command.value, state);
    case 'streamshop.inventory.ReserveStock': {
      const { orderId, line, quantity, expiresAt, issuedAt: requestedAt } = command.value;
      if (state.reservations[reservationKey(orderId, line)]) return [];
      // Lapsed before the watermark: a redelivery of a reservation that may be forgotten already (see the top).
      if (expiresAt < state.watermark) return [];
      const refusal = reservationRefusal(state, quantity);
      if (refusal) {
        return [
          {
            type: 'streamshop.inventory.StockReservationRejected',
            value: {
              orderId,
              line,
              quantity,
              expiresAt,
              requestedAt,
              reason: refusal,
              levels: levels(onHand, reserved),
            },
          },
        ];
      }
      return [
        {
          type: 'streamshop.inventory.StockReserved',
          value: { orderId, line, quantity, expiresAt, requestedAt, levels: levels(onHand, reserved + quantity) },
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
              expiresAt: r.expiresAt,
              requestedAt: null,
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

const SETTLED: ReadonlySet<ReservationStatus> = new Set(['rejected', 'released', 'committed', 'expired']);

/** Whether a reservation may be forgotten under `watermark` (see the invariant at the top). */
function forgettable(r: Reservation, watermark: number): boolean {
  if (!SETTLED.has(r.status) || r.expiresAt === 0) return false;
  return r.expiresAt + (r.status === 'expired' ? EXPIRED_RETENTION_MS : 0) < watermark;
}

/** Moves the watermark to `requestedAt` if later, forgetting what falls behind it. */
function advance(state: StockItemState, requestedAt: number | null | undefined): StockItemState {
  const current = state.watermark ?? 0;
  if (requestedAt == null || requestedAt <= current) return state;
  const reservations = Object.fromEntries(
    Object.entries(state.reservations).filter(([, r]) => !forgettable(r, requestedAt)),
  );
  return { ...state, watermark: requestedAt, reservations };
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
      const { orderId, line, quantity, expiresAt, requestedAt } = event.value;
      return advance(withReservation(next, orderId, line, { quantity, expiresAt, status: 'held' }), requestedAt);
    }
    case 'streamshop.inventory.StockReservationRejected': {
      // Events recorded before rejections carried expiresAt: 0, remembered for good (their expiry is unknown).
      const { orderId, line, quantity, expiresAt, requestedAt } = event.value;
      const rejected: Reservation = { quantity, expiresAt: expiresAt ?? 0, status: 'rejected' };
      return advance(withReservation(next, orderId, line, rejected), requestedAt);
    }
    case 'streamshop.inventory.ReservationReleased':
      return settle(next, event.value.orderId, event.value.line, 'released');
    case 'streamshop.inventory.ReservationExpired':
      return settle(next, event.value.orderId, event.value.line, 'expired');
    case 'streamshop.inventory.ReservationCommitted':
      return settle(next, event.value.orderId, event.value.line, 'committed');
    case 'streamshop.inventory.ReservationConfirmed':
      return settle(next, event.value.orderId, event.value.line, 'confirmed');
    case 'streamshop.inventory.LowStockThresholdSet':
      return { ...next, lowStockThreshold: event.value.threshold };
  }
}

export const stockItemDecider: Decider<InventoryCommand, StockItemEventDraft, StockItemState> = {
  initialState: { known: false, onHand: 0, reserved: 0, watermark: 0, reservations: {}, lowStockThreshold: 0 },
  evolve,
  decide,
};

/**
 * The Stock item's state across the snapshot topic: JSON, reading snapshots taken before the watermark existed
 * (no `watermark`: 0, so nothing is forgotten or ignored until the next ReserveStock moves it) or before the
 * low-stock threshold did (0: no alert, as no LowStockThresholdSet was decided before it existed).
 */
export const stockItemStateCodec = {
  toJSON: (state: StockItemState): unknown => state,
  fromJSON: (json: unknown): StockItemState => ({
    watermark: 0,
    lowStockThreshold: 0,
    ...(json as Omit<StockItemState, 'watermark' | 'lowStockThreshold'>),
  }),
};
