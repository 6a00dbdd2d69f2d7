/**
 * The shopper's e-mails end to end on the real stack: the catalog, inventory, order, payment, invoicing and
 * notification services as `streamshop run services` starts them (in-process, under this file's prefix), SMTP to the
 * stack's Mailpit, read back with the testkit's mailbox (this file's mail domain) and the PDFs with pdftotext.
 * A paid order gets exactly one confirmation with its invoice (number, each line, the gross total as printed);
 * shipping it, one e-mail with the tracking number; a partial refund, one e-mail with the credit note for exactly
 * that amount. Nothing is sent twice: the order's messages share one mailbox partition and so one sender, which
 * handles them in order, so once the last one is recorded sent every earlier copy would already be in Mailpit.
 */
import { randomUUID } from 'node:crypto';
import { allOf } from '@streamshop/command-service';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startInvoicingService } from '@streamshop/invoicing-service/main';
import { paymentIdFor } from '@streamshop/order-service';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually, fastConsumer, type Namespace, pdfText } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  command,
  commandSender,
  logger,
  type Observed,
  observe,
  paymentCaptured,
  placeOrder,
  receiveStock,
  recordedIntent,
  startServices,
} from '../../order/test/running-services.fixture.ts';
import { startNotificationService } from '../src/main.ts';

let ns: Namespace;
let services: Runnable;
let serde: AvroSerde;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  const options = { prefix: ns.topicPrefix, logger, consumer: fastConsumer, fencedBackoffMs: 2_000 };
  // startServices creates the topics first; the invoicing and notification services join the four it runs.
  const core = await startServices(ns, ns.config);
  const more = allOf([startInvoicingService(ns.config, options), startNotificationService(ns.config, options)]);
  services = allOf([core, more]);
  await more.start();
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['orders.events', 'payments.events', 'notifications.events', 'commerce.dlq']);
  await sender.send(receiveStock('SKU-LAMP', 10), receiveStock('SKU-BOOK', 10));
}, 180_000);

afterAll(async () => {
  await seen?.stop();
  await sender?.stop();
  await services?.stop();
  await ns?.cleanup();
}, 120_000);

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const LINES = [
  { sku: 'SKU-LAMP', quantity: 2, unitPrice: eur(1500), name: 'Desk lamp', category: 'home' },
  { sku: 'SKU-BOOK', quantity: 1, unitPrice: eur(2000), name: 'A book', category: 'books' },
];
/** Money as the documents print it for the shopper's locale (en-GB): €50.00. */
const printed = (minor: number) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(minor / 100);
/** A totals row of the PDF's text (pdftotext -layout keeps the label and its amount on one line). */
const totalRow = (label: string, minor: number) => new RegExp(`${label}\\s+${printed(minor).replace(/[.$]/g, '\\$&')}`);

const ofType = (records: Observed[], type: string, notificationId: string) =>
  records.filter((r) => r.type === `streamshop.notifications.${type}` && r.value.notificationId === notificationId);

/** The message's one NotificationSent on notifications.events, once recorded, and its Message-ID. */
async function recordedSent(notificationId: string) {
  const events = () => seen.of('notifications.events');
  await eventually(() => ofType(events(), 'NotificationSent', notificationId).length > 0, {
    timeoutMs: 120_000,
    message: `${notificationId} recorded sent`,
  });
  const [requested, ...again] = ofType(events(), 'NotificationRequested', notificationId);
  expect(again).toEqual([]);
  return String(requested!.value.messageId);
}

const orderEvent = (orderId: string, type: string) =>
  eventually(() => seen.stream('orders.events', orderId).find((e) => e.type === `streamshop.orders.${type}`) ?? false, {
    timeoutMs: 90_000,
    message: `${type} of ${orderId}`,
  }).then((e) => e!);

describe('a shopper’s e-mails from a paid, shipped and partly refunded order', () => {
  it('one confirmation with the invoice PDF, one shipment with the tracking number, one credit note for the refund', {
    timeout: 420_000,
  }, async () => {
    const mailbox = ns.mailbox();
    const orderId = `order-${randomUUID()}`;
    const to = mailbox.address(`shopper-${orderId.slice(-8)}`);
    const place = placeOrder(orderId, LINES);
    place.value.contact = { email: to, name: 'Ada Lovelace', locale: 'en-GB' };
    await sender.send(place);
    const paymentId = paymentIdFor(orderId);
    await sender.send(paymentCaptured(paymentId, await recordedIntent(seen, paymentId), 5000));

    // Paid → invoiced → exactly one confirmation, carrying the invoice as the ledger numbered it.
    const paid = await orderEvent(orderId, 'OrderPaid');
    const year = new Date(Number(paid.value.occurredAt)).getUTCFullYear();
    const invoiceNumber = `INV-${year}-000001`;
    expect((await orderEvent(orderId, 'OrderInvoiced')).value.invoiceNumber).toBe(invoiceNumber);
    const confirmationId = await recordedSent(`order_confirmed:${orderId}`);
    const [confirmation, ...moreConfirmations] = await mailbox.byMessageId(confirmationId);
    expect(moreConfirmations).toEqual([]);
    expect(confirmation!.To.map((a) => a.Address)).toEqual([to]);
    const confirmed = await mailbox.message(confirmation!.ID);
    expect(confirmed.Attachments.map((a) => [a.FileName, a.ContentType])).toEqual([
      [`${invoiceNumber}.pdf`, 'application/pdf'],
    ]);
    const invoice = await pdfText(await mailbox.attachment(confirmed.ID, confirmed.Attachments[0]!.PartID));
    expect(invoice).toContain(invoiceNumber);
    for (const line of LINES) expect(invoice).toContain(line.name);
    expect(invoice).toMatch(totalRow('Total gross', 5000));
    expect(await mailbox.search({ to })).toHaveLength(1);

    // Shipped → one e-mail with the carrier's tracking number.
    const trackingNumber = `JJD${orderId.slice(-10).replaceAll('-', '')}`;
    await sender.send(command('streamshop.orders.ShipOrder', orderId, { carrier: 'DHL', trackingNumber }));
    const shipmentId = await recordedSent(`order_shipped:${orderId}`);
    const [shipment, ...moreShipments] = await mailbox.byMessageId(shipmentId);
    expect(moreShipments).toEqual([]);
    const shipped = await mailbox.message(shipment!.ID);
    expect(shipped.Text).toContain(trackingNumber);
    expect(shipped.HTML).toContain(trackingNumber);
    expect(shipped.Attachments).toEqual([]);

    // A partial refund of one lamp → one e-mail with the credit note for exactly €15.00.
    await sender.send(
      command('streamshop.orders.RefundOrder', orderId, {
        amount: eur(1500),
        reason: 'damaged',
        lines: [{ line: 0, quantity: 1 }],
        restock: false,
      }),
    );
    const refunded = await orderEvent(orderId, 'OrderRefunded');
    const creditNoteNumber = `CN-${new Date(Number(refunded.value.occurredAt)).getUTCFullYear()}-000001`;
    const refundId = await recordedSent(`order_refunded:${creditNoteNumber}`);
    const [refund, ...moreRefunds] = await mailbox.byMessageId(refundId);
    expect(moreRefunds).toEqual([]);
    const credited = await mailbox.message(refund!.ID);
    expect(credited.Attachments.map((a) => a.FileName)).toEqual([`${creditNoteNumber}.pdf`]);
    const creditNote = await pdfText(await mailbox.attachment(credited.ID, credited.Attachments[0]!.PartID));
    expect(creditNote).toContain(creditNoteNumber);
    expect(creditNote).toContain(`Credits invoice ${invoiceNumber}`);
    expect(creditNote).toContain('Desk lamp');
    expect(creditNote).not.toContain('A book');
    expect(creditNote).toMatch(totalRow('Total credited', 1500));
    expect(credited.Text).toContain(printed(1500));

    // No duplicate: the refund's NotificationSent is the later marker (one sender, in order, for this order's
    // mailbox), so every copy of the three would be in Mailpit by now.
    const all = await mailbox.search({ to });
    expect(all.map((m) => m.MessageID).sort()).toEqual(
      [confirmationId, shipmentId, refundId].map((id) => id.replace(/^<|>$/g, '')).sort(),
    );
    const notifications = seen.of('notifications.events');
    for (const id of [`order_confirmed:${orderId}`, `order_shipped:${orderId}`, `order_refunded:${creditNoteNumber}`]) {
      expect(ofType(notifications, 'NotificationSent', id), id).toHaveLength(1);
      expect(ofType(notifications, 'NotificationFailed', id), id).toEqual([]);
    }
    expect(seen.of('commerce.dlq')).toEqual([]);
  });
});
