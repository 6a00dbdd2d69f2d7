/**
 * The PDF as a reader sees it: Debian's pdftotext (poppler) extracts the text of what renderInvoicePdf drew, and it
 * must carry the number, every line, the totals formatted for the shop's locale, the parties and the payment — and
 * for a credit note the invoice it credits and why.
 */

import { pdfText } from '@streamshop/testkit';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../src/invoice-pdf.ts';
import { sampleCreditNote, sampleInvoice } from '../src/sample-documents.ts';

/** pdftotext keeps the layout's runs of spaces and Intl's no-break spaces; compare words, not spacing. */
const words = (text: string) => text.replace(/\s+/g, ' ');
const euros = (locale: string, minor: number) =>
  words(new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(minor / 100));

describe('invoice PDF, read back with pdftotext', () => {
  it('shows the number, each line, the totals in the locale, the parties and the payment', async () => {
    const invoice = sampleInvoice();
    const text = words(await pdfText(await renderInvoicePdf(invoice, { shopName: 'Streamshop', locale: 'fr-FR' })));
    expect(text).toContain('Invoice INV-2026-000042');
    expect(text).toContain('Issue date: 14 mars 2026');
    expect(text).toContain('Order: order-7f3a');
    // The long description wraps inside its column; its Japanese part is beyond Helvetica and drawn as "?".
    for (const part of [
      'Event-sourced mug',
      'MUG-001',
      'Designing Data-Intensive',
      'Applications — ????',
      'BOOK-042',
    ]) {
      expect(text).toContain(part);
    }
    for (const amount of [1299, 2598, 2165, 433, 124999, 118482, 6517]) expect(text).toContain(euros('fr-FR', amount));
    expect(text).toContain(`Total net ${euros('fr-FR', 120647)}`);
    expect(text).toContain(`Total VAT ${euros('fr-FR', 6950)}`);
    expect(text).toContain(`Total gross ${euros('fr-FR', 127597)}`);
    expect(text).toContain('20 %');
    expect(text).toContain('5,5 %');
    for (const party of ['Streamshop SAS', '12 rue des Flux', '75011 Paris', 'VAT ID: FR12345678901']) {
      expect(text).toContain(party);
    }
    // Ł has no WinAnsi glyph: the base letter is drawn.
    for (const buyer of ['Zoë Lukasiewicz', 'zoe@example.com', '3 Kafka Lane', 'EC1A 1BB London']) {
      expect(text).toContain(buyer);
    }
    expect(text).toContain('Paid via Stripe, reference pi_3Qx1234567890');
  });

  it('shows what a credit note credits and why, in another locale', async () => {
    const note = sampleCreditNote();
    const text = words(await pdfText(await renderInvoicePdf(note, { shopName: 'Streamshop', locale: 'en-GB' })));
    expect(text).toContain('Credit note CN-2026-000007');
    expect(text).toContain('Issue date: 20 March 2026');
    expect(text).toContain('Credits invoice INV-2026-000042');
    expect(text).toContain('Reason: One mug arrived broken');
    expect(text).toContain(`Total credited ${euros('en-GB', 1299)}`);
    expect(text).toContain('Refunded via Stripe');
  });

  it('continues a long invoice on further pages, repeating the table header', async () => {
    const [line] = sampleInvoice().lines;
    if (!line) throw new Error('the sample invoice has lines');
    const lines = Array.from({ length: 80 }, (_, i) => ({ ...line, description: `Item number ${i + 1}` }));
    const text = await pdfText(await renderInvoicePdf(sampleInvoice({ lines }), { shopName: 'S', locale: 'en-GB' }));
    const pages = text.split('\f').filter((page) => page.trim() !== '');
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages.slice(1)) expect(page).toContain('Description');
    for (let i = 1; i <= 80; i++) expect(text).toContain(`Item number ${i} `);
  });
});
