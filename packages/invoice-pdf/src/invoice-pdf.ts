/**
 * The PDF of an invoice or credit note, rendered from the recorded document alone (InvoiceDocument, as the
 * invoicing service issued it). Nothing is stored: the gateway renders it on download and the notification sender
 * attaches it, so both must get the same file. That is why rendering is deterministic — the PDF's CreationDate is
 * the document's issue time (pdfkit derives the file ID from its info dictionary, so the ID follows), dates are
 * printed in UTC, and only the built-in Helvetica is used (no font files, no subsetting, no clock).
 */
import type { InvoiceDocument, InvoiceLine, InvoiceParty } from '@streamshop/schemas/types';
import PDFDocument from 'pdfkit';
import { addressLines, type DocumentFormat, documentFormat, providerName } from './invoice-format.ts';
import { toWinAnsi } from './win-ansi.ts';

export interface InvoicePdfOptions {
  /** Shown as the PDF's author and in the footer. */
  shopName: string;
  /** BCP 47 locale for money, rates and dates (config.shop.locale). */
  locale: string;
}

type Pdf = InstanceType<typeof PDFDocument>;

const margin = 50;
const fontSize = 10;
const tableFontSize = 8.5;

const title = { invoice: 'Invoice', credit_note: 'Credit note' } as const;

/** The file name a download or an attachment carries: the document's number, e.g. INV-2026-000001.pdf. */
export function invoicePdfFileName(doc: Pick<InvoiceDocument, 'number'>): string {
  return `${doc.number.replace(/[^A-Za-z0-9._-]/g, '-')}.pdf`;
}

/** Renders the document; the same document and options always give the same bytes. */
export function renderInvoicePdf(doc: InvoiceDocument, options: InvoicePdfOptions): Promise<Buffer> {
  const heading = `${title[doc.kind]} ${doc.number}`;
  const pdf = new PDFDocument({
    size: 'A4',
    margin,
    font: 'Helvetica',
    info: {
      Title: toWinAnsi(heading),
      Author: toWinAnsi(options.shopName),
      Creator: toWinAnsi(options.shopName),
      CreationDate: new Date(doc.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const format = documentFormat(options.locale);
  drawHeader(pdf, doc, format, heading);
  drawParties(pdf, doc);
  drawLines(pdf, doc, format);
  drawTotals(pdf, doc, format);
  drawPayment(pdf, doc, options);
  pdf.end();
  return done;
}

function text(pdf: Pdf, value: string, x?: number, y?: number, options?: PDFKit.Mixins.TextOptions): Pdf {
  return pdf.text(toWinAnsi(value), x, y, options);
}

function drawHeader(pdf: Pdf, doc: InvoiceDocument, format: DocumentFormat, heading: string): void {
  pdf.font('Helvetica-Bold').fontSize(20);
  text(pdf, heading, margin, margin);
  pdf.font('Helvetica').fontSize(fontSize).moveDown(0.5);
  text(pdf, `Issue date: ${format.date(doc.issuedAt)}`);
  text(pdf, `Order: ${doc.orderId}`);
  if (doc.kind === 'credit_note') {
    if (doc.refersTo) text(pdf, `Credits invoice ${doc.refersTo}`);
    if (doc.reason) text(pdf, `Reason: ${doc.reason}`);
  }
  pdf.moveDown(1.5);
}

/** Seller, buyer and shipping address side by side, each a titled block. */
function drawParties(pdf: Pdf, doc: InvoiceDocument): void {
  const seller = [
    doc.seller.name,
    ...partyAddress(doc.seller),
    ...(doc.seller.vatId ? [`VAT ID: ${doc.seller.vatId}`] : []),
  ];
  const buyer = [
    doc.buyer.name,
    ...(doc.buyer.email ? [doc.buyer.email] : []),
    ...partyAddress(doc.buyer),
    ...(doc.buyer.vatId ? [`VAT ID: ${doc.buyer.vatId}`] : []),
  ];
  const blocks: Array<[string, string[]]> = [
    ['Seller', seller],
    ['Bill to', buyer],
  ];
  if (doc.shippingAddress) blocks.push(['Ship to', addressLines(doc.shippingAddress)]);
  const width = (pdf.page.width - 2 * margin) / 3;
  const top = pdf.y;
  let bottom = top;
  blocks.forEach(([label, lines], i) => {
    const x = margin + i * width;
    pdf.font('Helvetica-Bold').fontSize(fontSize);
    text(pdf, label, x, top, { width: width - 10 });
    pdf.font('Helvetica');
    for (const line of lines) text(pdf, line, x, undefined, { width: width - 10 });
    bottom = Math.max(bottom, pdf.y);
  });
  pdf.x = margin;
  pdf.y = bottom + 2 * fontSize;
}

/** A party's address lines without the recipient line when it only repeats the party's name. */
function partyAddress(party: InvoiceParty): string[] {
  if (!party.address) return [];
  const lines = addressLines(party.address);
  return party.address.name === party.name ? lines.slice(1) : lines;
}

interface Column {
  header: string;
  width: number;
  align: 'left' | 'right';
  cell: (line: InvoiceLine, format: DocumentFormat) => string;
}

// 495 points: the A4 width between the margins.
const columns: Column[] = [
  { header: 'Description', width: 145, align: 'left', cell: (l) => l.description },
  { header: 'SKU', width: 70, align: 'left', cell: (l) => l.sku ?? '' },
  { header: 'Qty', width: 30, align: 'right', cell: (l) => String(l.quantity) },
  { header: 'Unit price', width: 55, align: 'right', cell: (l, f) => f.money(l.unitPrice) },
  { header: 'VAT rate', width: 40, align: 'right', cell: (l, f) => f.rate(l.vatRateBasisPoints) },
  { header: 'Net', width: 52, align: 'right', cell: (l, f) => f.money(l.net) },
  { header: 'VAT', width: 48, align: 'right', cell: (l, f) => f.money(l.vat) },
  { header: 'Gross', width: 55, align: 'right', cell: (l, f) => f.money(l.gross) },
];
const gutter = 4;

function drawRow(pdf: Pdf, cells: string[], bold: boolean): void {
  pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(tableFontSize);
  const heights = columns.map((column, i) =>
    pdf.heightOfString(toWinAnsi(cells[i] ?? ''), { width: column.width - gutter }),
  );
  const height = Math.max(...heights) + 4;
  // A row never splits across pages; the header row is repeated on the new page.
  if (pdf.y + height > pdf.page.height - margin - 3 * fontSize && !bold) {
    pdf.addPage();
    drawRow(
      pdf,
      columns.map((c) => c.header),
      true,
    );
  }
  const top = pdf.y;
  let x = margin;
  columns.forEach((column, i) => {
    text(pdf, cells[i] ?? '', x, top, { width: column.width - gutter, align: column.align });
    x += column.width;
  });
  pdf.y = top + height;
  pdf
    .moveTo(margin, pdf.y - 2)
    .lineTo(pdf.page.width - margin, pdf.y - 2)
    .lineWidth(bold ? 0.8 : 0.3)
    .stroke();
  pdf.y += 2;
}

function drawLines(pdf: Pdf, doc: InvoiceDocument, format: DocumentFormat): void {
  drawRow(
    pdf,
    columns.map((c) => c.header),
    true,
  );
  for (const line of doc.lines)
    drawRow(
      pdf,
      columns.map((c) => c.cell(line, format)),
      false,
    );
  pdf.moveDown(1);
}

function drawTotals(pdf: Pdf, doc: InvoiceDocument, format: DocumentFormat): void {
  const labelWidth = 120;
  const valueWidth = 100;
  const x = pdf.page.width - margin - labelWidth - valueWidth;
  const totals: Array<[string, string]> = [
    ['Total net', format.money(doc.net)],
    ['Total VAT', format.money(doc.vat)],
    [doc.kind === 'credit_note' ? 'Total credited' : 'Total gross', format.money(doc.gross)],
  ];
  if (pdf.y + totals.length * 2 * fontSize > pdf.page.height - margin) pdf.addPage();
  totals.forEach(([label, value], i) => {
    pdf.font(i === totals.length - 1 ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize);
    const top = pdf.y;
    text(pdf, label, x, top, { width: labelWidth });
    text(pdf, value, x + labelWidth, top, { width: valueWidth, align: 'right' });
  });
  pdf.x = margin;
  pdf.moveDown(1.5);
}

function drawPayment(pdf: Pdf, doc: InvoiceDocument, options: InvoicePdfOptions): void {
  pdf.font('Helvetica').fontSize(fontSize);
  const verb = doc.kind === 'credit_note' ? 'Refunded via' : 'Paid via';
  if (doc.paymentProvider) {
    const reference = doc.paymentReference ? `, reference ${doc.paymentReference}` : '';
    text(pdf, `${verb} ${providerName(doc.paymentProvider)}${reference}`, margin);
  } else if (doc.paymentReference) {
    text(pdf, `Payment reference ${doc.paymentReference}`, margin);
  }
  pdf.moveDown(1);
  pdf.fillColor('#555555');
  text(pdf, `${options.shopName} · ${doc.number}`, margin);
  pdf.fillColor('black');
}
