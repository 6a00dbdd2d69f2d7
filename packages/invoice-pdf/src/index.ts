export { type InvoicePdfOptions, invoicePdfFileName, renderInvoicePdf } from './invoice-pdf.ts';
