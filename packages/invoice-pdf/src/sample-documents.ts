/**
 * An invoice and a credit note as the invoicing service records them, for tests that render, store or serve
 * documents (this package's, the invoices read model's, the gateway's). Amounts add up the way the issuer computes
 * them: gross = quantity × unit price, net = round(gross × 10000 / (10000 + rate)), vat = gross − net.
 */
import type { InvoiceDocument } from '@streamshop/schemas/types';

export function sampleInvoice(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  return {
    kind: 'invoice',
    number: 'INV-2026-000042',
    year: 2026,
    sequence: 42,
    issuedAt: Date.UTC(2026, 2, 14, 9, 30),
    orderId: 'order-7f3a',
    refersTo: null,
    seller: {
      name: 'Streamshop SAS',
      email: null,
      address: {
        name: 'Streamshop SAS',
        line1: '12 rue des Flux',
        line2: null,
        postalCode: '75011',
        city: 'Paris',
        region: null,
        country: 'FR',
      },
      vatId: 'FR12345678901',
    },
    buyer: {
      name: 'Zoë Łukasiewicz',
      email: 'zoe@example.com',
      address: null,
      vatId: null,
    },
    shippingAddress: {
      name: 'Zoë Łukasiewicz',
      line1: '3 Kafka Lane',
      line2: 'Flat 2',
      postalCode: 'EC1A 1BB',
      city: 'London',
      region: null,
      country: 'GB',
    },
    currency: 'EUR',
    lines: [
      {
        sku: 'MUG-001',
        description: 'Event-sourced mug',
        quantity: 2,
        unitPrice: { amount: 1299, currency: 'EUR' },
        vatRateBasisPoints: 2000,
        net: { amount: 2165, currency: 'EUR' },
        vat: { amount: 433, currency: 'EUR' },
        gross: { amount: 2598, currency: 'EUR' },
      },
      {
        sku: 'BOOK-042',
        description: 'Designing Data-Intensive Applications — 日本語版',
        quantity: 1,
        unitPrice: { amount: 124999, currency: 'EUR' },
        vatRateBasisPoints: 550,
        net: { amount: 118482, currency: 'EUR' },
        vat: { amount: 6517, currency: 'EUR' },
        gross: { amount: 124999, currency: 'EUR' },
      },
    ],
    net: { amount: 120647, currency: 'EUR' },
    vat: { amount: 6950, currency: 'EUR' },
    gross: { amount: 127597, currency: 'EUR' },
    paymentProvider: 'stripe',
    paymentReference: 'pi_3Qx1234567890',
    reason: null,
    ...overrides,
  };
}

export function sampleCreditNote(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const invoice = sampleInvoice();
  const line = invoice.lines[0];
  if (!line) throw new Error('the sample invoice has lines');
  return {
    ...invoice,
    kind: 'credit_note',
    number: 'CN-2026-000007',
    sequence: 7,
    issuedAt: Date.UTC(2026, 2, 20, 16, 0),
    refersTo: invoice.number,
    lines: [
      {
        ...line,
        quantity: 1,
        net: { amount: 1083, currency: 'EUR' },
        vat: { amount: 216, currency: 'EUR' },
        gross: { amount: 1299, currency: 'EUR' },
      },
    ],
    net: { amount: 1083, currency: 'EUR' },
    vat: { amount: 216, currency: 'EUR' },
    gross: { amount: 1299, currency: 'EUR' },
    reason: 'One mug arrived broken',
    ...overrides,
  };
}
