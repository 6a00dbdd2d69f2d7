/** The inventory's pure domain: the Stock item decider, one aggregate per SKU. */
export {
  RESERVATION_REJECTION,
  type Reservation,
  type ReservationStatus,
  reservationKey,
  type StockItemEventDraft,
  type StockItemState,
  stockItemDecider,
} from './stock-item.decider.ts';
