import { given, projected } from '@streamshop/projection-runtime';
import type { InvoiceDocument } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { invoicesProjection } from './invoices.projection.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

function document(kind: InvoiceDocument['kind'], number: string, year: number, orderId = 'order-1'): InvoiceDocument {
  return {
    kind,
    number,
    year,
    sequence: Number(number.slice(-6)),
    issuedAt: Date.UTC(year, 0, 2),
    orderId,
    refersTo: kind === 'credit_note' ? 'INV-2026-005000' : null,
    seller: { name: 'Streamshop SAS', email: null, address: null, vatId: 'FR1' },
    buyer: { name: 'Ada', email: 'ada@example.com', address: null, vatId: null },
    shippingAddress: null,
    currency: 'EUR',
    lines: [],
    net: eur(1000),
    vat: eur(200),
    gross: eur(1200),
    paymentProvider: 'stripe',
    paymentReference: 'pi_1',
    reason: null,
  };
}

const issued = (doc: InvoiceDocument, version: number) =>
  projected(
    'invoicing.events',
    doc.kind === 'invoice' ? 'streamshop.invoicing.InvoiceIssued' : 'streamshop.invoicing.CreditNoteIssued',
    { document: doc },
    { aggregateId: `invoices-${doc.year}`, version },
  );

const invoice = document('invoice', 'INV-2026-005000', 2026);
const credit1 = document('credit_note', 'CN-2026-000100', 2026);
const credit2 = document('credit_note', 'CN-2027-000003', 2027);

describe('invoices projection', () => {
  it("keeps an order's invoice and its credit notes, in the order they were issued", () => {
    const doc = given(invoicesProjection, issued(invoice, 5000), issued(credit1, 5100)).doc('order-1');
    expect(doc).toEqual({
      _id: 'order-1',
      orderId: 'order-1',
      invoice,
      creditNotes: [credit1],
      updatedAt: credit1.issuedAt,
    });
  });

  it("applies a later year's credit note, whose series is at a lower version", () => {
    const doc = given(invoicesProjection, issued(invoice, 5000), issued(credit2, 3)).doc('order-1');
    expect(doc?.creditNotes.map((n) => n.number)).toEqual(['CN-2027-000003']);
  });

  it('applies each event once (a replay after a crash changes nothing)', () => {
    const doc = given(
      invoicesProjection,
      issued(invoice, 5000),
      issued(credit1, 5100),
      issued(credit2, 3),
      issued(credit1, 5100),
      issued(credit2, 3),
    );
    expect(doc.skipped).toBe(2);
    expect(doc.doc('order-1')?.creditNotes.map((n) => n.number)).toEqual(['CN-2026-000100', 'CN-2027-000003']);
  });

  it('keeps documents of other orders apart, and a credit note may come without an invoice', () => {
    const other = document('credit_note', 'CN-2026-000101', 2026, 'order-2');
    const folded = given(invoicesProjection, issued(invoice, 5000), issued(other, 5001));
    expect(folded.doc('order-1')?.creditNotes).toEqual([]);
    expect(folded.doc('order-2')).toMatchObject({ invoice: null, creditNotes: [other] });
  });

  it('dead-letters a second invoice number for one order rather than overwrite the first', () => {
    const second = document('invoice', 'INV-2026-005001', 2026);
    const folded = given(invoicesProjection, issued(invoice, 5000), issued(second, 5001));
    expect(folded.doc('order-1')?.invoice?.number).toBe('INV-2026-005000');
    expect(folded.failures).toEqual([
      'InvoiceIssued INV-2026-005001: order order-1 already has invoice INV-2026-005000',
    ]);
  });
});
