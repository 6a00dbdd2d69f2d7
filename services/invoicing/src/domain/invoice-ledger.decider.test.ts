import { given } from '@streamshop/decider/testing';
import type {
  CommandEnvelope,
  InvoiceDocument,
  InvoiceParty,
  InvoicingCommand,
  OrderLine,
  RecordTypes,
} from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import {
  createInvoiceLedgerDecider,
  type InvoiceLedgerEventDraft,
  invoiceLedgerStateCodec,
} from './invoice-ledger.decider.ts';

const T0 = Date.UTC(2026, 2, 14, 10, 0);
const SERIES = 'invoices-2026';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 rue des Lilas',
  line2: null,
  postalCode: '75011',
  city: 'Paris',
  region: null,
  country: 'FR',
};
const SELLER: InvoiceParty = {
  name: 'streamshop',
  email: null,
  address: { ...ADDRESS, name: 'streamshop', line1: '1 Stream Street', postalCode: '75002' },
  vatId: 'FR12345678901',
};
const BUYER: InvoiceParty = { name: 'Ada Lovelace', email: 'ada@example.com', address: ADDRESS, vatId: null };
const decider = createInvoiceLedgerDecider({
  seller: SELLER,
  vatRates: { defaultBasisPoints: 2000, byCategory: { books: 550 } },
});

const LINES: OrderLine[] = [
  { sku: 'SKU-A', quantity: 2, unitPrice: eur(1500), name: 'Lamp', category: 'home' },
  { sku: 'SKU-B', quantity: 1, unitPrice: eur(2110), name: null, category: 'books' },
];

function envelope(aggregateId: string, issuedAt: number): CommandEnvelope {
  return {
    commandId: '00000000-0000-4000-8000-000000000001',
    aggregateId,
    idempotencyKey: null,
    issuedAt,
    correlationId: 'corr-1',
    causationId: null,
  };
}

type Payload<N extends keyof RecordTypes> = Omit<RecordTypes[N], keyof CommandEnvelope>;

function issueInvoice(
  orderId: string,
  change: Partial<Payload<'streamshop.invoicing.IssueInvoice'>> = {},
  aggregateId = SERIES,
): InvoicingCommand {
  const payload: Payload<'streamshop.invoicing.IssueInvoice'> = {
    orderId,
    buyer: BUYER,
    shippingAddress: ADDRESS,
    lines: LINES,
    currency: 'EUR',
    paymentProvider: 'stripe',
    paymentReference: 'pi_123',
    ...change,
  };
  return { type: 'streamshop.invoicing.IssueInvoice', value: { ...envelope(aggregateId, T0), ...payload } };
}

function issueCreditNote(
  orderId: string,
  refundId: string,
  change: Partial<Payload<'streamshop.invoicing.IssueCreditNote'>> = {},
  aggregateId = SERIES,
): InvoicingCommand {
  const payload: Payload<'streamshop.invoicing.IssueCreditNote'> = {
    orderId,
    refundId,
    invoiceNumber: 'INV-2026-000001',
    buyer: BUYER,
    lines: [],
    amount: eur(500),
    paymentProvider: 'stripe',
    paymentReference: 'pi_123',
    reason: 'damaged',
    ...change,
  };
  return { type: 'streamshop.invoicing.IssueCreditNote', value: { ...envelope(aggregateId, T0 + 60_000), ...payload } };
}

/** The invoice of LINES as the ledger must issue it: lamps at 20 %, the book at its category's 5.5 %. */
function invoiceDocument(orderId: string, sequence: number): InvoiceDocument {
  return {
    kind: 'invoice',
    number: `INV-2026-${String(sequence).padStart(6, '0')}`,
    year: 2026,
    sequence,
    issuedAt: T0,
    orderId,
    refersTo: null,
    seller: SELLER,
    buyer: BUYER,
    shippingAddress: ADDRESS,
    currency: 'EUR',
    lines: [
      {
        sku: 'SKU-A',
        description: 'Lamp',
        quantity: 2,
        unitPrice: eur(1500),
        vatRateBasisPoints: 2000,
        net: eur(2500),
        vat: eur(500),
        gross: eur(3000),
      },
      {
        sku: 'SKU-B',
        description: 'SKU-B', // no name recorded: the SKU describes the line
        quantity: 1,
        unitPrice: eur(2110),
        vatRateBasisPoints: 550,
        net: eur(2000),
        vat: eur(110),
        gross: eur(2110),
      },
    ],
    net: eur(4500),
    vat: eur(610),
    gross: eur(5110),
    paymentProvider: 'stripe',
    paymentReference: 'pi_123',
    reason: null,
  };
}

const invoiced = (orderId: string, sequence: number): InvoiceLedgerEventDraft => ({
  type: 'streamshop.invoicing.InvoiceIssued',
  value: { document: invoiceDocument(orderId, sequence) },
});

function creditNote(orderId: string, refundId: string, sequence: number, change: Partial<InvoiceDocument> = {}) {
  const amountOnly = {
    sku: null,
    description: `Refund of order ${orderId}`,
    quantity: 1,
    unitPrice: eur(500),
    vatRateBasisPoints: 2000,
    net: eur(417),
    vat: eur(83),
    gross: eur(500),
  };
  const document: InvoiceDocument = {
    kind: 'credit_note',
    number: `CN-2026-${String(sequence).padStart(6, '0')}`,
    year: 2026,
    sequence,
    issuedAt: T0 + 60_000,
    orderId,
    refersTo: 'INV-2026-000001',
    seller: SELLER,
    buyer: BUYER,
    shippingAddress: null,
    currency: 'EUR',
    lines: [amountOnly],
    net: eur(417),
    vat: eur(83),
    gross: eur(500),
    paymentProvider: 'stripe',
    paymentReference: 'pi_123',
    reason: 'damaged',
    ...change,
  };
  return { type: 'streamshop.invoicing.CreditNoteIssued', value: { document, refundId } } as InvoiceLedgerEventDraft;
}

describe('IssueInvoice', () => {
  it('issues the year’s first invoice as INV-<year>-000001 with seller, buyer, VAT per line and totals', () => {
    given(decider)
      .when(issueInvoice('order-1'))
      .then([invoiced('order-1', 1)]);
  });

  it('gives the next number in the series, with no gap', () => {
    given(decider, [invoiced('order-1', 1), invoiced('order-2', 2)])
      .when(issueInvoice('order-3'))
      .then([invoiced('order-3', 3)]);
  });

  it('counts invoices apart from credit notes', () => {
    given(decider, [invoiced('order-1', 1), creditNote('order-1', 'refund-1', 1), creditNote('order-1', 'refund-2', 2)])
      .when(issueInvoice('order-2'))
      .then([invoiced('order-2', 2)]);
  });

  it('a repeat for an invoiced order issues nothing', () => {
    given(decider, [invoiced('order-1', 1), invoiced('order-2', 2)])
      .when(issueInvoice('order-1'))
      .then([]);
  });

  it('rejects an order with no lines', () => {
    given(decider)
      .when(issueInvoice('order-1', { lines: [] }))
      .thenRejects('empty_invoice');
  });

  it('rejects a line priced in another currency than the order', () => {
    const usd = { ...LINES[0]!, unitPrice: { amount: 1500, currency: 'USD' } };
    given(decider)
      .when(issueInvoice('order-1', { lines: [usd] }))
      .thenRejects('currency_mismatch', /SKU-A.*USD/);
  });

  it('rejects a line that is not a sale (no units, a negative price)', () => {
    given(decider)
      .when(issueInvoice('order-1', { lines: [{ ...LINES[0]!, quantity: 0 }] }))
      .thenRejects('invalid_amount');
    given(decider)
      .when(issueInvoice('order-1', { lines: [{ ...LINES[0]!, unitPrice: eur(-1) }] }))
      .thenRejects('invalid_amount');
  });

  it('rejects a command sent to anything but invoices-<4-digit year>', () => {
    for (const id of ['invoices', 'invoices-26', 'invoices-2026-01', 'order-1', 'INVOICES-2026']) {
      given(decider)
        .when(issueInvoice('order-1', {}, id))
        .thenRejects('wrong_series');
    }
  });

  it('numbers within the year of its aggregate', () => {
    given(decider)
      .when(issueInvoice('order-1', {}, 'invoices-2027'))
      .then([
        {
          type: 'streamshop.invoicing.InvoiceIssued',
          value: { document: { ...invoiceDocument('order-1', 1), number: 'INV-2027-000001', year: 2027 } },
        },
      ]);
  });
});

describe('IssueCreditNote', () => {
  it('credits an amount-only refund as one line at the default rate, referring to the invoice', () => {
    given(decider, [invoiced('order-1', 1)])
      .when(issueCreditNote('order-1', 'refund-1'))
      .then([creditNote('order-1', 'refund-1', 1)]);
  });

  it('credits refunded units line by line when they add up to the amount', () => {
    const lamp = { ...LINES[0]!, quantity: 1 };
    const book = LINES[1]!;
    const lines = invoiceDocument('order-1', 1).lines;
    given(decider, [invoiced('order-1', 1)])
      .when(issueCreditNote('order-1', 'refund-1', { lines: [lamp, book], amount: eur(1500 + 2110) }))
      .then([
        creditNote('order-1', 'refund-1', 1, {
          lines: [{ ...lines[0]!, quantity: 1, net: eur(1250), vat: eur(250), gross: eur(1500) }, lines[1]!],
          net: eur(3250),
          vat: eur(360),
          gross: eur(3610),
        }),
      ]);
  });

  it('falls back to one amount line when the refunded units do not add up to the amount', () => {
    given(decider, [invoiced('order-1', 1)])
      .when(issueCreditNote('order-1', 'refund-1', { lines: [LINES[0]!] }))
      .then([creditNote('order-1', 'refund-1', 1)]);
  });

  it('gives the next CN number, with no gap', () => {
    given(decider, [invoiced('order-1', 1), creditNote('order-1', 'refund-1', 1)])
      .when(issueCreditNote('order-1', 'refund-2'))
      .then([creditNote('order-1', 'refund-2', 2)]);
  });

  it('a repeat for a credited refund issues nothing', () => {
    given(decider, [invoiced('order-1', 1), creditNote('order-1', 'refund-1', 1), creditNote('order-1', 'refund-2', 2)])
      .when(issueCreditNote('order-1', 'refund-1'))
      .then([]);
  });

  it('refers to the invoice this year’s ledger issued when the command names none', () => {
    given(decider, [invoiced('order-1', 1)])
      .when(issueCreditNote('order-1', 'refund-1', { invoiceNumber: null }))
      .then([creditNote('order-1', 'refund-1', 1)]);
    given(decider)
      .when(issueCreditNote('order-9', 'refund-1', { invoiceNumber: null }))
      .then([creditNote('order-9', 'refund-1', 1, { refersTo: null })]);
  });

  it('rejects a refund of nothing or less', () => {
    given(decider)
      .when(issueCreditNote('order-1', 'refund-1', { amount: eur(0) }))
      .thenRejects('invalid_amount');
    given(decider)
      .when(issueCreditNote('order-1', 'refund-1', { amount: eur(-5) }))
      .thenRejects('invalid_amount');
  });

  it('rejects refunded lines in another currency than the amount', () => {
    given(decider)
      .when(issueCreditNote('order-1', 'refund-1', { amount: { amount: 3000, currency: 'USD' }, lines: [LINES[0]!] }))
      .thenRejects('currency_mismatch');
  });

  it('rejects a command sent to anything but invoices-<4-digit year>', () => {
    given(decider)
      .when(issueCreditNote('order-1', 'refund-1', {}, 'credit-notes-2026'))
      .thenRejects('wrong_series');
  });
});

describe('the ledger’s state', () => {
  it('survives its snapshot codec', () => {
    const events = [invoiced('order-1', 1), invoiced('order-2', 2), creditNote('order-1', 'refund-1', 1)];
    const state = events.reduce(decider.evolve, decider.initialState);
    const back = invoiceLedgerStateCodec.fromJSON(JSON.parse(JSON.stringify(invoiceLedgerStateCodec.toJSON(state))));
    expect(back.year).toBe(2026);
    expect(back.invoicesIssued).toBe(2);
    expect(back.creditNotesIssued).toBe(1);
    expect(back.invoicedOrders.toObject()).toEqual({ 'order-1': 1, 'order-2': 2 });
    expect(back.creditedRefunds.toObject()).toEqual({ 'refund-1': 1 });
    expect(decider.decide(issueInvoice('order-2'), back)).toEqual([]);
    expect(decider.decide(issueCreditNote('order-1', 'refund-1'), back)).toEqual([]);
  });

  it('folds a year of 50,000 invoices within the test timeout (a persistent map; copying an object per event took minutes)', () => {
    const year = Array.from({ length: 50_000 }, (_, i) => invoiced(`order-${i}`, i + 1));
    const state = year.reduce(decider.evolve, decider.initialState);
    expect(state.invoicesIssued).toBe(50_000);
    expect(state.invoicedOrders.size).toBe(50_000);
  });
});
