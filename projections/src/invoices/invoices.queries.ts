/**
 * Queries over the `invoices` read model: an order's invoice and credit notes, as issued, for the gateway's PDF
 * downloads. Not cached: downloads are rare, and an invoice issued a moment ago must be downloadable at once
 * (a cached "not issued yet" would hide it).
 */
import type { InvoiceDocument } from '@streamshop/schemas/types';
import type { QueryContext } from '../queries.ts';
import { parseId } from '../query-input.ts';
import type { InvoicesDocument } from './invoices.projection.ts';

export interface OrderInvoices {
  orderId: string;
  invoice: InvoiceDocument | null;
  creditNotes: InvoiceDocument[];
}

export interface InvoiceQueries {
  /** The order's invoice and credit notes; null when none was issued yet. */
  byOrder(orderId: string): Promise<OrderInvoices | null>;
}

export function createInvoiceQueries(ctx: QueryContext): InvoiceQueries {
  return {
    async byOrder(orderId) {
      const id = parseId(orderId, 'orderId');
      const invoices = ctx.collection<InvoicesDocument>('invoices', await ctx.generation('invoices'));
      const doc = await invoices.findOne({ _id: id }, { projection: { invoice: 1, creditNotes: 1 } });
      return doc ? { orderId: id, invoice: doc.invoice ?? null, creditNotes: doc.creditNotes ?? [] } : null;
    },
  };
}
