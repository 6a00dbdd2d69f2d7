/**
 * The invoice ledger: one aggregate per year (`invoices-<year>`) that gives out that year's invoice and credit note
 * numbers. Accountants require the numbers to be gapless and sequential; that holds because every number of a year
 * is decided here, on one Kafka key, by the runtime's single transactional writer: the next number is the count
 * of documents already issued plus one, and an event is only ever in the log together with the offset of the
 * command that caused it, so a crash can neither skip a number nor give one out twice.
 *
 * Invariants:
 * - INV-<year>-n and CN-<year>-n run 1, 2, 3, … per series with no gaps; the year is the aggregate's.
 * - At most one invoice per order and one credit note per refund id: a repeat decides no events.
 * - Each line adds up to the cent (invoice-amounts.ts), totals are the sums of the lines, all in one currency.
 * - The document is recorded whole (seller, buyer, lines, VAT, payment) so rendering it later needs nothing else.
 *
 * State is bounded per year: it remembers which orders and refunds of that year were documented (an id and a
 * sequence number each), not the documents themselves; a new year starts a new aggregate. Those two indexes are
 * persistent maps (Immutable.js): evolve must not mutate the state (the runtime keeps the old one until the
 * transaction commits), and copying a plain object per event made a rebuild quadratic (10,000 invoices: 17 s).
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type {
  EventDraft,
  InvoiceDocument,
  InvoiceLine,
  InvoiceParty,
  InvoicingCommand,
  InvoicingEventName,
  RecordTypes,
} from '@streamshop/schemas/types';
import { Map as ImmutableMap } from 'immutable';
import { documentTotals, invoiceLine, type VatRates, vatRateFor } from './invoice-amounts.ts';
import { documentNumber, seriesYear } from './invoice-series.ts';

export type InvoiceLedgerEventDraft = EventDraft<InvoicingEventName>;
type IssueInvoice = RecordTypes['streamshop.invoicing.IssueInvoice'];
type IssueCreditNote = RecordTypes['streamshop.invoicing.IssueCreditNote'];

export interface InvoiceLedgerState {
  /** The series' year; null before its first document. */
  year: number | null;
  /** Invoices issued so far: the last INV sequence. */
  invoicesIssued: number;
  /** Credit notes issued so far: the last CN sequence. */
  creditNotesIssued: number;
  /** Order id → the sequence of its invoice. */
  invoicedOrders: ImmutableMap<string, number>;
  /** Refund id → the sequence of its credit note. */
  creditedRefunds: ImmutableMap<string, number>;
}

/** What the ledger prints on every document and how it taxes lines (from config.invoicing). */
export interface InvoiceLedgerOptions {
  seller: InvoiceParty;
  vatRates: VatRates;
}

const initialState: InvoiceLedgerState = {
  year: null,
  invoicesIssued: 0,
  creditNotesIssued: 0,
  invoicedOrders: ImmutableMap(),
  creditedRefunds: ImmutableMap(),
};

function yearOf(aggregateId: string): number | Rejection {
  const year = seriesYear(aggregateId);
  return (
    year ?? reject('wrong_series', `documents are numbered on invoices-<year> (e.g. invoices-2026), not ${aggregateId}`)
  );
}

const isAmount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Lines with positive whole quantities and non-negative whole prices, all in `currency`; else why not. */
function checkLines(lines: IssueInvoice['lines'], currency: string): Rejection | null {
  for (const line of lines) {
    if (line.unitPrice.currency !== currency) {
      return reject('currency_mismatch', `line ${line.sku} is priced in ${line.unitPrice.currency}, not ${currency}`);
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || !isAmount(line.unitPrice.amount)) {
      return reject('invalid_amount', `line ${line.sku}: ${line.quantity} × ${line.unitPrice.amount} is not a sale`);
    }
  }
  return null;
}

function pricedLines(lines: IssueInvoice['lines'], vatRates: VatRates): InvoiceLine[] {
  return lines.map((line) =>
    invoiceLine({
      sku: line.sku,
      description: line.name ?? line.sku,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      vatRateBasisPoints: vatRateFor(line.category, vatRates),
    }),
  );
}

function issueInvoice(
  command: IssueInvoice,
  state: InvoiceLedgerState,
  options: InvoiceLedgerOptions,
): InvoiceLedgerEventDraft[] | Rejection {
  const year = yearOf(command.aggregateId);
  if (typeof year !== 'number') return year;
  if (state.invoicedOrders.has(command.orderId)) return []; // the saga asked again: already invoiced
  if (command.lines.length === 0) return reject('empty_invoice', `order ${command.orderId} has no lines to invoice`);
  const invalid = checkLines(command.lines, command.currency);
  if (invalid) return invalid;
  const sequence = state.invoicesIssued + 1;
  const lines = pricedLines(command.lines, options.vatRates);
  const document: InvoiceDocument = {
    kind: 'invoice',
    number: documentNumber('invoice', year, sequence),
    year,
    sequence,
    issuedAt: command.issuedAt,
    orderId: command.orderId,
    refersTo: null,
    seller: options.seller,
    buyer: command.buyer,
    shippingAddress: command.shippingAddress,
    currency: command.currency,
    lines,
    ...documentTotals(lines, command.currency),
    paymentProvider: command.paymentProvider,
    paymentReference: command.paymentReference,
    reason: null,
  };
  return [{ type: 'streamshop.invoicing.InvoiceIssued', value: { document } }];
}

/**
 * A credit note's lines: one per refunded line when the command names lines that add up to the refunded amount,
 * otherwise (an amount-only refund, or lines that do not explain the amount) one line for the amount at the
 * default rate, so the credit note always credits exactly what was refunded.
 */
function creditLines(command: IssueCreditNote, vatRates: VatRates): InvoiceLine[] {
  const lines = pricedLines(command.lines, vatRates);
  const { gross } = documentTotals(lines, command.amount.currency);
  if (lines.length > 0 && gross.amount === command.amount.amount) return lines;
  return [
    invoiceLine({
      sku: null,
      description: `Refund of order ${command.orderId}`,
      quantity: 1,
      unitPrice: command.amount,
      vatRateBasisPoints: vatRates.defaultBasisPoints,
    }),
  ];
}

function issueCreditNote(
  command: IssueCreditNote,
  state: InvoiceLedgerState,
  options: InvoiceLedgerOptions,
): InvoiceLedgerEventDraft[] | Rejection {
  const year = yearOf(command.aggregateId);
  if (typeof year !== 'number') return year;
  if (state.creditedRefunds.has(command.refundId)) return []; // one credit note per refund
  const { amount } = command;
  if (!isAmount(amount.amount) || amount.amount === 0) {
    return reject('invalid_amount', `a credit note is for a positive amount, not ${amount.amount}`);
  }
  const invalid = checkLines(command.lines, amount.currency);
  if (invalid) return invalid;
  const sequence = state.creditNotesIssued + 1;
  const lines = creditLines(command, options.vatRates);
  // The saga names the invoice when the order has recorded it; if the refund overtook that record, this year's
  // ledger may still know it.
  const invoiced = state.invoicedOrders.get(command.orderId);
  const refersTo = command.invoiceNumber ?? (invoiced === undefined ? null : documentNumber('invoice', year, invoiced));
  const document: InvoiceDocument = {
    kind: 'credit_note',
    number: documentNumber('credit_note', year, sequence),
    year,
    sequence,
    issuedAt: command.issuedAt,
    orderId: command.orderId,
    refersTo,
    seller: options.seller,
    buyer: command.buyer,
    shippingAddress: null,
    currency: amount.currency,
    lines,
    ...documentTotals(lines, amount.currency),
    paymentProvider: command.paymentProvider,
    paymentReference: command.paymentReference,
    reason: command.reason,
  };
  return [{ type: 'streamshop.invoicing.CreditNoteIssued', value: { document, refundId: command.refundId } }];
}

function evolve(state: InvoiceLedgerState, event: InvoiceLedgerEventDraft): InvoiceLedgerState {
  const { document } = event.value;
  switch (event.type) {
    case 'streamshop.invoicing.InvoiceIssued':
      return {
        ...state,
        year: document.year,
        invoicesIssued: document.sequence,
        invoicedOrders: state.invoicedOrders.set(document.orderId, document.sequence),
      };
    case 'streamshop.invoicing.CreditNoteIssued':
      return {
        ...state,
        year: document.year,
        creditNotesIssued: document.sequence,
        creditedRefunds:
          event.value.refundId === null
            ? state.creditedRefunds
            : state.creditedRefunds.set(event.value.refundId, document.sequence),
      };
  }
}

/**
 * The state as JSON for the runtime's snapshots (plain objects for the two indexes). main.ts turns snapshots off for
 * this aggregate (see there), so this only keeps a snapshot, if one is ever taken, readable.
 */
export const invoiceLedgerStateCodec = {
  toJSON: (state: InvoiceLedgerState): unknown => ({
    ...state,
    invoicedOrders: state.invoicedOrders.toObject(),
    creditedRefunds: state.creditedRefunds.toObject(),
  }),
  fromJSON: (json: unknown): InvoiceLedgerState => {
    const plain = json as Omit<InvoiceLedgerState, 'invoicedOrders' | 'creditedRefunds'> & {
      invoicedOrders: Record<string, number>;
      creditedRefunds: Record<string, number>;
    };
    return {
      ...plain,
      invoicedOrders: ImmutableMap(Object.entries(plain.invoicedOrders)),
      creditedRefunds: ImmutableMap(Object.entries(plain.creditedRefunds)),
    };
  },
};

export function createInvoiceLedgerDecider(
  options: InvoiceLedgerOptions,
): Decider<InvoicingCommand, InvoiceLedgerEventDraft, InvoiceLedgerState> {
  return {
    initialState,
    evolve,
    decide(command, state) {
      switch (command.type) {
        case 'streamshop.invoicing.IssueInvoice':
          return issueInvoice(command.value, state, options);
        case 'streamshop.invoicing.IssueCreditNote':
          return issueCreditNote(command.value, state, options);
        default: {
          const unknown: never = command;
          throw new Error(`unhandled invoicing command ${JSON.stringify(unknown)}`);
        }
      }
    },
  };
}
