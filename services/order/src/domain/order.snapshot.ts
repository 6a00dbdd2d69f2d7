/**
 * The Order's state across the snapshot topic: JSON, reading snapshots taken before the state kept some fields.
 *
 * - Refunded units per line and the shipment: such an order had no line refund (RefundOrder named no lines then), and
 *   whether it shipped is still in its status, which is all a restock or a release needs to know about the shipment.
 * - Contact, shipping address and payment reference (what the saga bills from): a snapshot replaces the events it
 *   covers, so they cannot be recovered and read as null; the saga sends no invoice for an order whose address is
 *   unknown (order.saga.ts). `sale` is what the fold gives for every order that can still be refunded: paid and
 *   not cancelled (a cancelled order takes no more refunds, so its value no longer matters).
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
      contact: state.contact ?? null,
      shippingAddress: state.shippingAddress ?? null,
      paymentReference: state.paymentReference ?? null,
      sale: state.sale ?? (state.paid > 0 && state.status !== 'cancelled'),
    };
  },
};
