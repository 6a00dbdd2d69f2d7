/**
 * The SMTP sender on the real stack: the notification service as it runs (mailbox, reactor, sender) delivers what
 * the mailbox records as owed — to the stack's Mailpit with its Message-ID and the invoice PDF — and records it
 * sent; and against a Mailpit of the test's own (the testkit's startPrivateMailpit: stopped, started again on the
 * same port, refusing every recipient but those allowed with 550, answering 451 by its chaos triggers) messages wait
 * while it is down, go out when it returns, a 550 is recorded failed permanent without holding up the next one, a
 * 451 is tried again and then recorded failed, and `streamshop notifications retry` sends the refused one again.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { sampleInvoice } from '@streamshop/invoice-pdf/testing';
import { startProjections } from '@streamshop/projections/main';
import { AvroSerde } from '@streamshop/schemas';
import {
  createNamespace,
  eventually,
  fastConsumer,
  type Namespace,
  pdfText,
  startPrivateMailpit,
  testLogger,
} from '@streamshop/testkit';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNotificationService } from '../src/main.ts';
import { createTopics, mailboxSender, observeNotifications, serviceOptions, withSmtp } from './delivery.fixture.ts';

let ns: Namespace;
let serde: AvroSerde;
const running: Runnable[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  await createTopics(ns);
}, 120_000);

// Each test runs its own service instances (same groups under the file's prefix): the previous test's must be gone.
async function stopAll() {
  for (const r of running.splice(0).reverse()) await r.stop().catch(() => {});
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
}
afterEach(stopAll, 120_000);

afterAll(async () => {
  await stopAll();
  await ns?.cleanup();
}, 120_000);

async function start(r: Runnable) {
  await r.start();
  running.push(r);
  return r;
}

describe('SMTP delivery through Mailpit', () => {
  it('sends an owed confirmation once, with its Message-ID and the invoice PDF, and records it sent', {
    timeout: 180_000,
  }, async () => {
    const mailbox = ns.mailbox();
    const smtpUrl = `smtp://127.0.0.1:${ns.config.stack.ports.mailpitSmtp}`;
    await start(startNotificationService(withSmtp(ns.config, smtpUrl), serviceOptions(ns, testLogger())));
    const seen = await observeNotifications(ns, serde);
    closers.push(seen.stop);
    const commands = await mailboxSender(ns, serde);
    closers.push(commands.stop);

    const orderId = `order-${randomUUID()}`;
    const to = mailbox.address(`ada-${orderId.slice(-8)}`);
    const invoice = sampleInvoice({ orderId, number: 'INV-2026-004217' });
    await commands.contact(orderId, to);
    await commands.request(orderId, 'order_confirmed', invoice);

    const id = `order_confirmed:${orderId}`;
    const sent = await eventually(() => seen.of('NotificationSent', id)[0] ?? false, {
      timeoutMs: 90_000,
      message: 'NotificationSent recorded',
    });
    const [requested] = seen.of('NotificationRequested', id);
    expect(sent.value).toMatchObject({ attempt: 1, messageId: requested!.value.messageId });

    const messageId = String(requested!.value.messageId);
    const [summary, ...others] = await mailbox.waitFor({ to });
    expect(others).toEqual([]);
    expect((await mailbox.byMessageId(messageId)).map((m) => m.ID)).toEqual([summary!.ID]);
    const message = await mailbox.message(summary!.ID);
    expect(message.MessageID).toBe(messageId.replace(/^<|>$/g, ''));
    expect(message.Subject).toContain('INV-2026-004217');
    expect(message.Text).toContain(orderId);
    expect(message.Attachments.map((a) => [a.FileName, a.ContentType])).toEqual([
      ['INV-2026-004217.pdf', 'application/pdf'],
    ]);
    const pdf = await mailbox.attachment(message.ID, message.Attachments[0]!.PartID);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(pdf)).toContain('INV-2026-004217');
    expect(seen.of('NotificationFailed', id)).toEqual([]);
  });
});

/** A warning the sender logged about a message (the logger's JSON lines). */
interface Warning {
  msg: string;
  notificationId?: string;
}

describe('SMTP down, a refused recipient, a deferring server, and an operator retry', () => {
  it('waits while the server is down, fails a 550 permanently without blocking the next, retries a 451 then fails it, and retries the 550 from the CLI', {
    timeout: 300_000,
  }, async () => {
    // Only these recipients are accepted; `refused@` is answered 550 (Mailpit's --smtp-allowed-recipients).
    const smtp = await startPrivateMailpit(ns.config, { allowedRecipients: '^(first|last|deferred)@' });
    closers.push(() => smtp.close());
    await smtp.stop();
    const warnings: Warning[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line) as Warning) });
    const warned = (msg: string, notificationId?: string) =>
      warnings.filter((w) => w.msg === msg && (!notificationId || w.notificationId === notificationId));
    await start(
      startNotificationService(
        withSmtp(ns.config, smtp.smtpUrl, { maxAttempts: 2, baseMs: 200 }),
        serviceOptions(ns, logger),
      ),
    );
    await start(
      startProjections(ns.config, {
        prefix: ns.topicPrefix,
        database: ns.database,
        redisPrefix: ns.redisPrefix,
        logger: testLogger(),
        consumer: fastConsumer,
        only: ['notifications'],
      }),
    );
    const seen = await observeNotifications(ns, serde);
    closers.push(seen.stop);
    const commands = await mailboxSender(ns, serde);
    closers.push(commands.stop);

    // Three orders on one mailbox partition or several: the refused one sits between the two others in time.
    const orders = ['first', 'refused', 'last'].map((name) => ({
      orderId: `order-${name}-${randomUUID()}`,
      to: `${name}@${ns.mailDomain}`,
    }));
    for (const { orderId, to } of orders) {
      await commands.contact(orderId, to);
      await commands.request(orderId, 'order_shipped');
    }

    // Down: every message is tried, told to wait, and none is recorded as failed.
    const waiting = 'SMTP server unavailable; the message waits';
    await eventually(
      () => new Set(warned(waiting).map((w) => w.notificationId)).size >= 1 && warned(waiting).length >= 3,
      { timeoutMs: 90_000, message: 'the sender found the SMTP server unavailable and waits' },
    );
    const ids = orders.map(({ orderId }) => `order_shipped:${orderId}`);
    expect(ids.flatMap((id) => [...seen.of('NotificationFailed', id), ...seen.of('NotificationSent', id)])).toEqual([]);

    // Up again on the same port, refusing one recipient.
    await smtp.start();
    const idOf = (i: number) => `order_shipped:${orders[i]!.orderId}`;
    await eventually(
      () => seen.of('NotificationSent', idOf(0)).length === 1 && seen.of('NotificationSent', idOf(2)).length === 1,
      {
        timeoutMs: 120_000,
        message: 'the waiting messages sent once the server is back',
      },
    );
    const failed = await eventually(() => seen.of('NotificationFailed', idOf(1))[0] ?? false, {
      timeoutMs: 60_000,
      message: 'the refused message recorded failed',
    });
    expect(failed.value).toMatchObject({ attempt: 1, permanent: true, smtpCode: 550 });
    const received = async () => (await smtp.api.listMessages(0, 100)).messages;
    expect((await received()).map((m) => m.To[0]!.Address).sort()).toEqual([orders[0]!.to, orders[2]!.to].sort());

    // A server answering 451 (Mailpit's chaos trigger at RCPT TO): tried again once (maxAttempts 2), then recorded
    // failed, not permanent, so an operator may retry it.
    await smtp.api.setChaosTriggers({ Recipient: { ErrorCode: 451, Probability: 100 } });
    const deferred = { orderId: `order-deferred-${randomUUID()}`, to: `deferred@${ns.mailDomain}` };
    await commands.contact(deferred.orderId, deferred.to);
    await commands.request(deferred.orderId, 'order_shipped');
    const deferredId = `order_shipped:${deferred.orderId}`;
    const gaveUp = await eventually(() => seen.of('NotificationFailed', deferredId)[0] ?? false, {
      timeoutMs: 60_000,
      message: 'the deferred message recorded failed after its retries',
    });
    expect(gaveUp.value).toMatchObject({ attempt: 1, permanent: false, smtpCode: 451 });
    expect(warned('SMTP server deferred the message; trying again', deferredId)).toHaveLength(1);
    expect(seen.of('NotificationSent', deferredId)).toEqual([]);
    await smtp.api.setChaosTriggers();

    // The operator fixes the address's problem (the server now accepts every recipient) and retries the refused
    // message through the CLI, once the read model shows it failed.
    await smtp.stop();
    await smtp.start({});
    const cli = fileURLToPath(new URL('../../../packages/cli/bin/streamshop.js', import.meta.url));
    const env = { ...process.env, MONGODB_DATABASE: ns.database, STREAMSHOP_LOG_LEVEL: 'error' };
    const args = ['--prefix', ns.topicPrefix, '--redis-prefix', ns.redisPrefix];
    await eventually(
      async () => {
        const { stdout } = await promisify(execFile)(cli, ['notifications', 'status', '--failed', '--json', ...args], {
          env,
        });
        const status = JSON.parse(stdout) as {
          counts: { failed: number };
          notifications: { notificationId: string }[];
        };
        return status.notifications.some((n) => n.notificationId === idOf(1));
      },
      { timeoutMs: 60_000, message: 'status lists the failed message' },
    );
    const { stdout } = await promisify(execFile)(
      cli,
      ['notifications', 'retry', idOf(1), '--as', 'ops-alice', ...args],
      { env },
    );
    expect(stdout).toContain(`retry of ${idOf(1)} accepted: attempt 2`);
    const resent = await eventually(() => seen.of('NotificationSent', idOf(1))[0] ?? false, {
      timeoutMs: 90_000,
      message: 'the retried message sent',
    });
    expect(resent.value.attempt).toBe(2);
    const retried = seen.of('NotificationRequested', idOf(1));
    expect(retried.map((r) => [r.value.attempt, r.value.actorId])).toEqual([
      [1, null],
      [2, 'ops-alice'],
    ]);
    expect(retried[1]!.value.messageId).toBe(retried[0]!.value.messageId);
    expect((await received()).filter((m) => m.To[0]!.Address === orders[1]!.to).map((m) => m.MessageID)).toEqual([
      String(retried[0]!.value.messageId).replace(/^<|>$/g, ''),
    ]);

    // A second retry of a sent message is refused, in the operator's terms.
    await expect(promisify(execFile)(cli, ['notifications', 'retry', idOf(0), ...args], { env })).rejects.toMatchObject(
      { stderr: expect.stringContaining('is not failed') },
    );
  });
});
