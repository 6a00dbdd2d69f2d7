/**
 * TypeBox schemas of the invoice and credit-note downloads: which documents an order has (for the storefront's
 * download buttons) and the PDF answers, documented as binary so clients and Schemathesis expect a file, not JSON.
 */
import { type Static, Type } from 'typebox';
import { Id, IsoTime, Money } from './common.ts';

/** A document number as the invoicing service gives them out: INV-2026-000001, CN-2026-000001. */
export const CreditNoteParams = Type.Object(
  {
    id: Id,
    number: Type.String({
      pattern: '^CN-[0-9]{4}-[0-9]{6,12}$',
      description: 'Credit note number, e.g. CN-2026-000001.',
    }),
  },
  { additionalProperties: false },
);

export const IssuedDocument = Type.Object(
  {
    number: Type.String({ description: 'Gapless number within its yearly series.' }),
    issuedAt: IsoTime,
    gross: Money,
  },
  { title: 'IssuedDocument', description: 'An invoice or credit note of the order, as issued.' },
);

export const OrderDocuments = Type.Object(
  {
    invoice: Type.Union([IssuedDocument, Type.Null()], { description: 'Null until the paid order is invoiced.' }),
    creditNotes: Type.Array(IssuedDocument, { description: 'One per refund, in the order they were issued.' }),
  },
  { title: 'OrderDocuments', description: "The order's invoice and credit notes, each downloadable as a PDF." },
);
export type OrderDocuments = Static<typeof OrderDocuments>;

/** A PDF answer: Content-Disposition attachment with the document's number as file name. */
export const PdfFile = (description: string) => ({
  description,
  content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } },
});
