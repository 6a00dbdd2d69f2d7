/** The invoicing context's pure domain: the yearly invoice ledger, its VAT arithmetic and its numbering. */
export { documentTotals, invoiceLine, netOfGross, type VatRates, vatRateFor } from './invoice-amounts.ts';
export {
  createInvoiceLedgerDecider,
  type InvoiceLedgerEventDraft,
  type InvoiceLedgerOptions,
  type InvoiceLedgerState,
  invoiceLedgerStateCodec,
} from './invoice-ledger.decider.ts';
export { documentNumber, invoiceSeriesId, seriesYear } from './invoice-series.ts';
