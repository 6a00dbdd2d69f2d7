import { afterEach, describe, expect, it, vi } from 'vitest';
import { invoicePdfFileName, renderInvoicePdf } from './invoice-pdf.ts';
import { sampleCreditNote, sampleInvoice } from './sample-documents.ts';
import { toWinAnsi } from './win-ansi.ts';

const options = { shopName: 'Streamshop', locale: 'en-GB' };

describe('renderInvoicePdf', () => {
  it('gives the same bytes for the same document, whenever and however often it is rendered', async () => {
    const first = await renderInvoicePdf(sampleInvoice(), options);
    const second = await renderInvoicePdf(sampleInvoice(), options);
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    expect(second.equals(first)).toBe(true);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not depend on the clock (the PDF is dated with the issue time, and its ID follows)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 0, 1));
    const monday = await renderInvoicePdf(sampleInvoice(), options);
    vi.setSystemTime(Date.UTC(2031, 6, 9, 12, 34, 56, 789));
    const years = await renderInvoicePdf(sampleInvoice(), options);
    expect(years.equals(monday)).toBe(true);
  });

  it('gives another file for another document', async () => {
    const invoice = await renderInvoicePdf(sampleInvoice(), options);
    const other = await renderInvoicePdf(sampleInvoice({ number: 'INV-2026-000043', sequence: 43 }), options);
    expect(other.equals(invoice)).toBe(false);
  });

  it('renders a credit note and a document with characters Helvetica has no glyph for', async () => {
    const pdf = await renderInvoicePdf(sampleCreditNote({ reason: 'Broken 破損 — ½ refund ✓' }), {
      shopName: 'Ståle’s shop 🛒',
      locale: 'fr-FR',
    });
    const withoutReason = await renderInvoicePdf(sampleCreditNote({ reason: null }), {
      shopName: 'Ståle’s shop 🛒',
      locale: 'fr-FR',
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The reason is drawn (its text is checked with pdftotext in test/invoice-pdf.int.test.ts).
    expect(pdf.equals(withoutReason)).toBe(false);
  });
});

describe('toWinAnsi', () => {
  it('keeps what WinAnsi has, strips marks it lacks and replaces the rest', () => {
    expect(toWinAnsi('Zoë Müller – 12,99 €')).toBe('Zoë Müller – 12,99 €');
    expect(toWinAnsi('Łukasz Dvořák')).toBe('Lukasz Dvorák');
    expect(toWinAnsi('1\u202f234,50\u00a0€')).toBe('1\u00a0234,50\u00a0€');
    expect(toWinAnsi('日本 🛒')).toBe('?? ?');
  });
});

describe('invoicePdfFileName', () => {
  it('is the document number', () => {
    expect(invoicePdfFileName(sampleInvoice())).toBe('INV-2026-000042.pdf');
    expect(invoicePdfFileName(sampleCreditNote())).toBe('CN-2026-000007.pdf');
  });

  it('never carries a path or header separator', () => {
    expect(invoicePdfFileName({ number: '../x"; y/z' })).toBe('..-x---y-z.pdf');
  });
});
