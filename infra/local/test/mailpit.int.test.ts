/**
 * The stack's Mailpit as the notification sender and the tests use it: nodemailer delivers over SMTP a message with
 * a PDF attachment and a Message-ID of our choosing; the testkit's mailbox finds it by that exact Message-ID within
 * its namespace's domain only, reads the attachment's bytes back, and poppler reads the PDF's text and renders its
 * first page. The web inbox is served with its UI bundle. A private Mailpit misbehaves on demand: down, then back,
 * a 550 for one recipient, a chaos 451.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createNamespace,
  eventually,
  mailpitUrl,
  type Namespace,
  pdfFirstPagePng,
  pdfText,
  startPrivateMailpit,
} from '@streamshop/testkit';
import nodemailer from 'nodemailer';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A one-page PDF saying `lines`, made here so the test depends on no renderer of ours. */
function tinyPdf(lines: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const line of lines) doc.text(line);
    doc.end();
  });
}

let ns: Namespace;
let work: string;

beforeAll(() => {
  ns = createNamespace(import.meta.url);
  work = mkdtempSync(join(tmpdir(), 'mailpit-int-'));
});

/** Another namespace's domain, which this file's mailbox must never list; its mail is deleted after the tests. */
const elsewhere = () => `to:"@elsewhere-${ns.mailDomain}"`;

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await ns.mailbox().api.deleteMessagesBySearch({ query: elsewhere() });
  await ns.cleanup();
});

describe('Mailpit in the local stack', () => {
  it('receives over SMTP what nodemailer sends and gives back headers, bodies and the attachment bytes', async () => {
    const mailbox = ns.mailbox();
    const transport = nodemailer.createTransport(ns.config.notifications.smtpUrl);
    const pdf = await tinyPdf(['Invoice INV-2026-000042', 'Espresso cup  2 x 12.50  25.00 EUR']);
    // Two Message-IDs, one inside the other: Mailpit's search matches substrings, the mailbox must not.
    const messageId = `order_confirmed:${ns.id}@streamshop.test`;
    const otherId = `re-order_confirmed:${ns.id}@streamshop.test`;
    const to = mailbox.address('shopper');
    try {
      await transport.sendMail({
        from: ns.config.notifications.from,
        to,
        subject: 'Your order is confirmed',
        messageId: `<${messageId}>`,
        text: 'Thank you for your order.',
        html: '<p>Thank you for <b>your order</b>.</p>',
        attachments: [{ filename: 'INV-2026-000042.pdf', content: pdf, contentType: 'application/pdf' }],
      });
      await transport.sendMail({
        from: ns.config.notifications.from,
        to,
        subject: 'Your order is confirmed',
        messageId: `<${otherId}>`,
        text: 'A second message.',
      });
      // Same subject, another namespace's domain: this mailbox must never list it.
      await transport.sendMail({
        from: ns.config.notifications.from,
        to: `shopper@elsewhere-${ns.mailDomain}`,
        subject: 'Your order is confirmed',
        messageId: `<elsewhere-${messageId}>`,
        text: 'Not for this namespace.',
      });
    } finally {
      transport.close();
    }

    const all = await mailbox.waitFor({ subject: 'Your order is confirmed' }, { count: 2 });
    expect(all.map((m) => m.MessageID).sort()).toEqual([messageId, otherId].sort());

    const [summary, ...more] = await mailbox.byMessageId(`<${messageId}>`);
    expect(more).toEqual([]);
    expect(summary!.To.map((a) => a.Address)).toEqual([to]);

    const message = await mailbox.message(summary!.ID);
    expect(message.MessageID).toBe(messageId);
    expect(message.Text.trim()).toBe('Thank you for your order.');
    expect(message.HTML).toContain('<b>your order</b>');
    expect(message.Attachments.map((a) => [a.FileName, a.ContentType])).toEqual([
      ['INV-2026-000042.pdf', 'application/pdf'],
    ]);
    const headers = await mailbox.headers(summary!.ID);
    expect(headers['Message-Id'] ?? headers['Message-ID']).toEqual([`<${messageId}>`]);

    const bytes = await mailbox.attachment(summary!.ID, message.Attachments[0]!.PartID);
    expect(bytes.equals(pdf)).toBe(true);

    const text = await pdfText(bytes);
    expect(text).toContain('Invoice INV-2026-000042');
    expect(text).toMatch(/Espresso cup\s+2 x 12\.50\s+25\.00 EUR/);
    const png = await pdfFirstPagePng(bytes, join(work, 'first-page.png'));
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    await mailbox.clear();
    await eventually(async () => (await mailbox.search()).length === 0, { message: 'the mailbox is empty' });
    // clear() removed this domain's mail only: the other domain's message is still there.
    expect((await mailbox.api.searchMessages({ query: elsewhere() })).messages).toHaveLength(1);
  });

  it('serves the web inbox with its UI bundle', async () => {
    const base = mailpitUrl(ns.config);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('dist/app.js');
    const bundle = await fetch(`${base}/dist/app.js`);
    expect(bundle.status).toBe(200);
    expect(Number(bundle.headers.get('content-length') ?? (await bundle.arrayBuffer()).byteLength)).toBeGreaterThan(
      100_000,
    );
  });

  it('runs privately for SMTP failures: refused while stopped, back on the same port, 550 to one recipient, chaos 451', async () => {
    const mailpit = await startPrivateMailpit(ns.config, { allowedRecipients: '^ok@' });
    const transport = nodemailer.createTransport(mailpit.smtpUrl);
    const send = (to: string) =>
      transport.sendMail({ from: ns.config.notifications.from, to, subject: `to ${to}`, text: 'hello' }).then(
        () => 'sent',
        (err: { code?: string; responseCode?: number }) => err.responseCode ?? err.code,
      );
    try {
      expect(await send('ok@example.test')).toBe('sent');
      expect(await send('refused@example.test')).toBe(550);
      await mailpit.stop();
      expect(await send('ok@example.test')).toBe('ESOCKET');
      await mailpit.start();
      expect(await send('ok@example.test')).toBe('sent');
      await mailpit.api.setChaosTriggers({ Recipient: { ErrorCode: 451, Probability: 100 } });
      expect(await send('ok@example.test')).toBe(451);
      const received = await mailpit.api.searchMessages({ query: 'to:"ok@example.test"' });
      expect(received.messages).toHaveLength(2);
    } finally {
      transport.close();
      await mailpit.close();
    }
  });
});
