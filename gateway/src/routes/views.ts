/**
 * Read models as the HTTP API shows them: the documents keep epoch milliseconds (cheap to compare and index), the
 * API speaks ISO 8601 strings. Nothing else changes shape here.
 */
import {
  type AdminOrderSummary,
  type Customer,
  type CustomerOrderStats,
  type InventoryLevel,
  type Order,
  type Product,
  refundStatusOf,
} from '@streamshop/projections/queries';
import type {
  AdminOrderSummary as AdminOrderSummaryView,
  CustomerProfile as CustomerProfileView,
  Customer as CustomerView,
  StockLevel as StockLevelView,
} from '../schemas/admin-queries.ts';
import type { Order as OrderView, Product as ProductView } from '../schemas/index.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function productView(p: Product): ProductView {
  return { ...p, updatedAt: iso(p.updatedAt) };
}

/** The payment without its mismatches, which are shown with ISO times (and only when there are some). */
function withoutMismatches<P extends { mismatches?: unknown }>(payment: P): Omit<P, 'mismatches'> {
  const { mismatches: _, ...rest } = payment;
  return rest;
}

export function orderView(o: Order): OrderView {
  // Nullable fields default to null: a document written without one (an upsert that dropped a null) still serialises.
  return {
    ...o,
    lines: o.lines.map((l) => ({
      ...l,
      rejectionReason: l.rejectionReason ?? null,
      name: l.name ?? null,
      imageUrl: l.imageUrl ?? null,
    })),
    shippingAddress: {
      ...o.shippingAddress,
      line2: o.shippingAddress.line2 ?? null,
      region: o.shippingAddress.region ?? null,
    },
    payment: o.payment
      ? {
          ...withoutMismatches(o.payment),
          deadline: iso(o.payment.deadline),
          providerReference: o.payment.providerReference ?? null,
          failureReason: o.payment.failureReason ?? null,
          ...(o.payment.mismatches ? { mismatches: o.payment.mismatches.map((m) => ({ ...m, at: iso(m.at) })) } : {}),
        }
      : null,
    cancellation: o.cancellation ?? null,
    refund: o.refund ? { ...o.refund, reason: o.refund.reason ?? null } : null,
    refundStatus: refundStatusOf({ refund: o.refund ?? null, payment: o.payment ?? null, total: o.total }),
    refunds: (o.refunds ?? []).map((r) => ({
      ...r,
      reason: r.reason ?? null,
      lines: r.lines ?? [],
      restock: r.restock ?? false,
      actorId: r.actorId ?? null,
      at: iso(r.at),
    })),
    shipment: o.shipment
      ? { carrier: o.shipment.carrier ?? null, trackingNumber: o.shipment.trackingNumber ?? null }
      : null,
    invoiceNumber: o.invoiceNumber ?? null,
    timeline: o.timeline.map((t) => ({ ...t, at: iso(t.at) })),
    placedAt: iso(o.placedAt),
    updatedAt: iso(o.updatedAt),
  };
}

export function adminOrderSummaryView(o: AdminOrderSummary): AdminOrderSummaryView {
  return { ...o, placedAt: iso(o.placedAt), updatedAt: iso(o.updatedAt) };
}

export function stockLevelView<L extends InventoryLevel>(l: L): Omit<L, 'updatedAt'> & StockLevelView {
  return { ...l, updatedAt: iso(l.updatedAt) };
}

export function customerView(c: Customer): CustomerView {
  return { ...c, firstSeenAt: iso(c.firstSeenAt), updatedAt: iso(c.updatedAt) };
}

export function customerProfileView(c: Customer, stats: CustomerOrderStats): CustomerProfileView {
  const at = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    ...customerView(c),
    stats: { ...stats, firstOrderAt: at(stats.firstOrderAt), lastOrderAt: at(stats.lastOrderAt) },
  };
}
