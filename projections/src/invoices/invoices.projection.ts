/**
 * The `invoices` read model: per order, its invoice and credit notes exactly as the invoicing service issued them
 * (`InvoiceDocument`s from invoicing.events), so the gateway can render the PDF of either on request — the
 * recorded document is the only input of the PDF, and nothing else is stored.
 *
 * Events of several aggregates land in one document: every year's series (`invoices-<year>`) is its own aggregate
 * with its own versions, and an order billed in December may be credited in January. So the version guard is kept
 * per series (`_v['invoices-2026']`), not per context: a guard on `invoicing` alone would skip January's credit note
 * (version 3 of invoices-2027) on an order whose invoice was version 5,000 of invoices-2026.
 */
import { type ProjectedEvent, type ProjectionDefinition, ProjectionError } from '@streamshop/projection-runtime';
import { type InvoiceDocument, recordNames } from '@streamshop/schemas/types';

type IssuedEvent = ProjectedEvent<(typeof recordNames.invoicing.events)[number]>;

export interface InvoicesDocument {
  _id: string;
  orderId: string;
  /** The order's invoice; null while only credit notes are known (a refund of an order billed before invoicing). */
  invoice: InvoiceDocument | null;
  /** Its credit notes, in the order they were issued. */
  creditNotes: InvoiceDocument[];
  /** When the last document was issued (epoch ms). */
  updatedAt: number;
}

function apply(current: InvoicesDocument | null, event: IssuedEvent): InvoicesDocument {
  const document = event.value.document;
  const doc: InvoicesDocument = current ?? {
    _id: document.orderId,
    orderId: document.orderId,
    invoice: null,
    creditNotes: [],
    updatedAt: 0,
  };
  const updatedAt = Math.max(doc.updatedAt, Number(document.issuedAt));
  switch (event.type) {
    case 'streamshop.invoicing.InvoiceIssued':
      // The invoicing service issues one invoice per order; a second number for the same order is a bug upstream
      // that an accountant must see, not a silent overwrite.
      if (doc.invoice && doc.invoice.number !== document.number) {
        throw new ProjectionError(
          `InvoiceIssued ${document.number}: order ${doc.orderId} already has invoice ${doc.invoice.number}`,
        );
      }
      return { ...doc, invoice: document, updatedAt };
    case 'streamshop.invoicing.CreditNoteIssued':
      if (doc.creditNotes.some((note) => note.number === document.number)) return doc;
      return { ...doc, creditNotes: [...doc.creditNotes, document], updatedAt };
    default: {
      const unknown: never = event;
      throw new ProjectionError(`invoices: no fold for ${(unknown as { type: string }).type}`);
    }
  }
}

export const invoicesProjection: ProjectionDefinition<InvoicesDocument, IssuedEvent> = {
  model: 'invoices',
  collection: 'invoices',
  topics: ['invoicing.events'],
  events: recordNames.invoicing.events,
  indexes: [],
  target: (event) => ({ id: event.value.document.orderId }),
  guardStream: (event) => event.meta.aggregateId,
  apply,
};
