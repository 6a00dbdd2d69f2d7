/**
 * The order saga's side of invoicing on the real stack (catalog, inventory, order, payment and invoicing services
 * in-process): a paid order asks the year's invoice series for its invoice with what the order recorded at checkout
 * (contact, lines with names and categories, address, payment reference); the number the ledger gives
 * (InvoiceIssued on invoicing.events) is recorded on the order (OrderInvoiced); a refund then asks for a credit note
 * that refers to it. How the ledger numbers and computes VAT is services/invoicing's own test.
 */
import { randomUUID } from 'node:crypto';
import { allOf } from '@streamshop/command-service';
import { loadConfig } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startInvoicingService } from '@streamshop/invoicing-service/main';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually, fastConsumer, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceSeriesFor, paymentIdFor } from '../src/domain/index.ts';
import { ADDRESS, eur } from '../src/domain/order.fixtures.ts';
import {
  command,
  commandSender,
  logger,
  observe,
  paymentCaptured,
  placeOrder,
  receiveStock,
  recordedIntent,
  shortTypes,
  startServices,
  stripeRecorder,
} from './running-services.fixture.ts';

let ns: Namespace;
let services: Runnable;
let stripe: Awaited<ReturnType<typeof stripeRecorder>>;
let serde: AvroSerde;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;

beforeAll(async () => {
  const base = loadConfig();
  stripe = await stripeRecorder(base.stripe.apiBase);
  const config = { ...base, stripe: { ...base.stripe, apiBase: stripe.url } };
  ns = createNamespace(import.meta.url, config);
  const invoicing = startInvoicingService(config, { prefix: ns.topicPrefix, logger, consumer: fastConsumer });
  services = allOf([await startServices(ns, config), invoicing]);
  await invoicing.start();
  serde = new AvroSerde({ registryUrl: config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, [
    'orders.events',
    'payments.events',
    'invoicing.commands',
    'invoicing.events',
    'commerce.dlq',
  ]);
  await sender.send(receiveStock('SKU-LAMP', 10), receiveStock('SKU-BOOK', 10));
});

afterAll(async () => {
  await seen?.stop();
  await sender?.stop();
  await services?.stop();
  await stripe?.close();
  await ns?.cleanup();
});

const LINES = [
  { sku: 'SKU-LAMP', quantity: 2, unitPrice: eur(1500), name: 'Desk lamp', category: 'home' },
  { sku: 'SKU-BOOK', quantity: 1, unitPrice: eur(2000), name: 'A book', category: 'books' },
];
const BUYER = { name: 'Ada Lovelace', email: 'ada@example.com', address: ADDRESS, vatId: null };

/** The first command of this type for the order on invoicing.commands, once there is one. */
const awaitInvoicing = (type: 'IssueInvoice' | 'IssueCreditNote', orderId: string) =>
  eventually(
    () =>
      seen
        .of('invoicing.commands')
        .find((c) => c.type === `streamshop.invoicing.${type}` && c.value.orderId === orderId) ?? false,
    { timeoutMs: 60_000, message: `${type} for ${orderId} on invoicing.commands` },
  ).then((c) => c!);

const awaitOrderEvent = (orderId: string, type: string) =>
  eventually(() => seen.stream('orders.events', orderId).find((e) => e.type === `streamshop.orders.${type}`) ?? false, {
    timeoutMs: 60_000,
    message: `${type} of ${orderId} on orders.events`,
  }).then((e) => e!);

describe('a paid order is invoiced through the saga', () => {
  it('OrderPaid → IssueInvoice; InvoiceIssued → OrderInvoiced; a refund → IssueCreditNote referring to it', async () => {
    const orderId = `order-${randomUUID()}`;
    const paymentId = paymentIdFor(orderId);
    await sender.send(placeOrder(orderId, LINES));
    const intent = await recordedIntent(seen, paymentId);
    await sender.send(paymentCaptured(paymentId, intent, 5000));

    // Paid: the invoice is asked of the series of the payment's year, with what the order recorded at checkout.
    const issue = await awaitInvoicing('IssueInvoice', orderId);
    const paid = await awaitOrderEvent(orderId, 'OrderPaid');
    const series = invoiceSeriesFor(Number(paid.value.occurredAt));
    expect(issue.key).toBe(series);
    expect(issue.value).toMatchObject({
      aggregateId: series,
      causationId: paid.value.eventId,
      orderId,
      buyer: BUYER,
      shippingAddress: ADDRESS,
      lines: LINES,
      currency: 'EUR',
      paymentProvider: 'stripe',
      paymentReference: intent,
    });

    // The ledger's number (the first of the year in this file's topics) is recorded on the order.
    const invoiced = await awaitOrderEvent(orderId, 'OrderInvoiced');
    const number = `INV-${series.slice(-4)}-000001`;
    expect(invoiced.value.invoiceNumber).toBe(number);
    const issued = seen.of('invoicing.events').find((e) => e.type === 'streamshop.invoicing.InvoiceIssued')!;
    expect(issued.value.document).toMatchObject({ number, orderId, gross: eur(5000), paymentReference: intent });
    expect(issued.value.document.lines.map((l: { description: string }) => l.description)).toEqual([
      'Desk lamp',
      'A book',
    ]);

    // A partial refund of one lamp: its credit note names that unit, the amount and the invoice it corrects.
    await sender.send(
      command('streamshop.orders.RefundOrder', orderId, {
        amount: eur(1500),
        reason: 'damaged',
        lines: [{ line: 0, quantity: 1 }],
        restock: false,
      }),
    );
    const creditNote = await awaitInvoicing('IssueCreditNote', orderId);
    const refunded = await awaitOrderEvent(orderId, 'OrderRefunded');
    expect(creditNote.value).toMatchObject({
      aggregateId: invoiceSeriesFor(Number(refunded.value.occurredAt)),
      orderId,
      refundId: refunded.value.eventId,
      invoiceNumber: number,
      buyer: BUYER,
      lines: [{ ...LINES[0], quantity: 1 }],
      amount: eur(1500),
      paymentProvider: 'stripe',
      paymentReference: intent,
      reason: 'damaged',
    });
    expect(shortTypes(seen.stream('orders.events', orderId))).toEqual([
      'OrderPlaced',
      'OrderLineReserved',
      'OrderLineReserved',
      'OrderPaymentRequested',
      'OrderPaid',
      'OrderConfirmed',
      'OrderInvoiced',
      'OrderRefunded',
    ]);
    // The ledger issues the credit note against the invoice.
    const credited = await eventually(
      () => seen.of('invoicing.events').find((e) => e.type === 'streamshop.invoicing.CreditNoteIssued') ?? false,
      { timeoutMs: 60_000, message: 'CreditNoteIssued on invoicing.events' },
    );
    expect(credited!.value.document).toMatchObject({ refersTo: number, orderId, gross: eur(1500) });
    expect(seen.of('commerce.dlq')).toEqual([]);
  });
});
