import type { InvoiceDocument, NotificationRequested } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { renderNotification } from './render-notification.tsx';

const SHOP = { name: 'Teashop', publicUrl: 'https://tea.example.com', locale: 'en-GB' };
const ORDER = 'order-7f3a';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 2026-03-14T10:00:00Z
const AT = Date.UTC(2026, 2, 14, 10);

function requested(fields: Partial<NotificationRequested>): NotificationRequested {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    aggregateId: ORDER,
    aggregateVersion: 2,
    occurredAt: AT,
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    actorId: null,
    notificationId: `order_shipped:${ORDER}`,
    attempt: 1,
    kind: 'order_shipped',
    messageId: `order_shipped.${ORDER}@tea.example.com`,
    to: ['ada@example.com'],
    recipientName: 'Ada',
    locale: 'en-GB',
    orderId: ORDER,
    sku: null,
    carrier: null,
    trackingNumber: null,
    reason: null,
    amount: null,
    levels: null,
    threshold: null,
    document: null,
    ...fields,
  };
}

function document(kind: InvoiceDocument['kind'], number: string, gross: number): InvoiceDocument {
  const party = { name: 'Teashop Ltd', email: null, address: null, vatId: null };
  const money = (amount: number) => eur(amount);
  return {
    kind,
    number,
    year: 2026,
    sequence: 1,
    issuedAt: AT,
    orderId: ORDER,
    refersTo: kind === 'credit_note' ? 'INV-2026-000042' : null,
    seller: party,
    buyer: { ...party, name: 'Ada' },
    shippingAddress: null,
    currency: 'EUR',
    lines: [
      {
        sku: 'TEA-1',
        description: 'Assam tea',
        quantity: 2,
        unitPrice: money(gross / 2),
        vatRateBasisPoints: 2000,
        net: money(Math.round(gross / 1.2)),
        vat: money(gross - Math.round(gross / 1.2)),
        gross: money(gross),
      },
    ],
    net: money(Math.round(gross / 1.2)),
    vat: money(gross - Math.round(gross / 1.2)),
    gross: money(gross),
    paymentProvider: 'stripe',
    paymentReference: 'pi_1',
    reason: null,
  };
}

/** Both bodies, so each assertion holds for the HTML and the plain text alike. */
async function bodies(n: NotificationRequested) {
  const mail = await renderNotification(n, SHOP);
  return { mail, both: [mail.html, mail.text] };
}

const ORDER_LINK = `https://tea.example.com/orders/${ORDER}`;

describe('renderNotification', () => {
  it('order_shipped: carrier and tracking number, the shop, the greeting and the link to the order', async () => {
    const { mail, both } = await bodies(requested({ carrier: 'DHL', trackingNumber: 'JJD000390007' }));
    expect(mail.subject).toBe(`Teashop: Order ${ORDER} has shipped`);
    for (const body of both) {
      expect(body).toContain('JJD000390007');
      expect(body).toContain('DHL');
      expect(body).toContain('Teashop');
      expect(body).toContain('Hello Ada,');
      expect(body).toContain(ORDER_LINK);
      expect(body).toContain('14 March 2026');
    }
    expect(mail.html).toMatch(/^<!DOCTYPE html/);
    expect(mail.html).toContain(`href="${ORDER_LINK}"`);
    expect(mail.text).not.toContain('<');
  });

  it('order_refunded: the amount as the shopper’s locale writes it (en-GB and de-DE) and the credit note', async () => {
    const note = document('credit_note', 'CN-2026-000003', 123456);
    const refund = {
      kind: 'order_refunded' as const,
      amount: eur(123456),
      document: note,
      reason: 'damaged_in_transit',
    };
    const gb = await bodies(requested({ ...refund, locale: 'en-GB' }));
    const de = await bodies(requested({ ...refund, locale: 'de-DE' }));
    for (const body of gb.both) {
      expect(body).toContain('€1,234.56');
      expect(body).toContain('CN-2026-000003');
      expect(body).toContain('INV-2026-000042');
      expect(body).toContain('damaged in transit');
      expect(body).toContain(ORDER_LINK);
    }
    for (const body of de.both) {
      expect(body).toMatch(/1\.234,56\s€/);
      expect(body).toContain('14. März 2026');
    }
    expect(gb.mail.subject).toBe(`Teashop: Refund of €1,234.56 for order ${ORDER} — credit note CN-2026-000003`);
    expect(de.mail.subject).toMatch(/Refund of 1\.234,56\s€/);
  });

  it('order_confirmed: the payment, each line, the total and the attached invoice’s number', async () => {
    const invoice = document('invoice', 'INV-2026-000042', 4998);
    const { mail, both } = await bodies(requested({ kind: 'order_confirmed', amount: eur(4998), document: invoice }));
    expect(mail.subject).toBe(`Teashop: Order ${ORDER} confirmed — invoice INV-2026-000042`);
    for (const body of both) {
      expect(body).toContain('€49.98');
      expect(body).toContain('Assam tea');
      expect(body).toContain('INV-2026-000042');
      expect(body).toContain(ORDER_LINK);
    }
  });

  it('payment_failed, order_cancelled, order_delivered: what happened and why, in words', async () => {
    const failed = await bodies(requested({ kind: 'payment_failed', reason: 'card_declined' }));
    expect(failed.mail.subject).toBe(`Teashop: Payment failed for order ${ORDER}`);
    for (const body of failed.both) expect(body).toContain('card declined');
    const cancelled = await bodies(requested({ kind: 'order_cancelled', reason: 'out_of_stock' }));
    expect(cancelled.mail.subject).toBe(`Teashop: Order ${ORDER} cancelled`);
    for (const body of cancelled.both) expect(body).toContain('out of stock');
    const delivered = await bodies(requested({ kind: 'order_delivered' }));
    expect(delivered.mail.subject).toBe(`Teashop: Order ${ORDER} delivered`);
    for (const body of delivered.both) expect(body).toContain('delivered on 14 March 2026');
  });

  it('low_stock: the SKU, its levels and threshold, and the admin’s stock page', async () => {
    const { mail, both } = await bodies(
      requested({
        kind: 'low_stock',
        orderId: null,
        sku: 'TEA-1',
        to: ['ops@example.com'],
        recipientName: null,
        locale: null,
        levels: { onHand: 5, reserved: 2, available: 3 },
        threshold: 4,
      }),
    );
    expect(mail.subject).toBe('Teashop: Low stock: TEA-1 (3 available)');
    for (const body of both) {
      expect(body).toContain('3 units available');
      expect(body).toContain('threshold of 4');
      expect(body).toContain('https://tea.example.com/admin/stock/TEA-1');
      expect(body).toContain('Hello,');
    }
  });

  it('falls back to the shop’s locale when the shopper’s is unknown or not a locale', async () => {
    for (const locale of [null, 'not a locale!']) {
      const { mail } = await bodies(requested({ kind: 'order_refunded', amount: eur(1050), locale }));
      expect(mail.text).toContain('€10.50');
    }
  });

  it('is deterministic: the same record renders the same e-mail', async () => {
    const n = requested({ carrier: 'DHL', trackingNumber: 'X1' });
    expect(await renderNotification(n, SHOP)).toEqual(await renderNotification(n, SHOP));
  });
});
