/**
 * The Order's state across the snapshot topic: JSON, reading snapshots taken before orders tracked refunded units
 * per line and their shipment. Such an order had no line refund (RefundOrder named no lines then), and whether it
 * shipped is still in its status, which is all a restock or a release needs to know about the shipment.
 */
import type { OrderState } from './order.decider.ts';

const SHIPPED_BEFORE: ReadonlySet<string> = new Set(['shipped', 'delivered']);

export const orderStateCodec = {
  toJSON: (state: OrderState): unknown => state,
  fromJSON: (json: unknown): OrderState => {
    const state = json as OrderState;
    if (state.status === 'none') return state;
    const shipment =
      state.shipment ?? (SHIPPED_BEFORE.has(state.status) ? { carrier: null, trackingNumber: null } : null);
    return {
      ...state,
      refundedUnits: state.refundedUnits ?? state.lines.map(() => 0),
      shipment,
      invoiceNumber: state.invoiceNumber ?? null,
    };
  },
};
