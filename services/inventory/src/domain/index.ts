/** The inventory's pure domain: the Stock item decider, one aggregate per SKU. */
export {
  EXPIRED_RETENTION_MS,
  RESERVATION_REJECTION,
  type Reservation,
  type ReservationStatus,
  reservationKey,
  type StockItemEventDraft,
  type StockItemState,
  stockItemDecider,
  stockItemStateCodec,
} from './stock-item.decider.ts';
