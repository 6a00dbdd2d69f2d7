/**
 * The SMTP sender on the real stack: the notification service as it runs (mailbox, reactor, sender) delivers what
 * the mailbox records as owed — to Mailpit with its Message-ID and the invoice PDF — and records it sent; and
 * against an SMTP server that is down, then up, then refuses one recipient (the `smtp-server` package, which
 * answers what we tell it), messages wait, go out when it returns, a 550 is recorded failed without holding up the
 * next one, and `streamshop notifications retry` sends it again.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { sampleInvoice } from '@streamshop/invoice-pdf/testing';
import { startProjections } from '@streamshop/projections/main';
import { AvroSerde } from '@streamshop/schemas';
import { createNamespace, eventually, fastConsumer, type Namespace, testLogger } from '@streamshop/testkit';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNotificationService } from '../src/main.ts';
import {
  createTopics,
  mailboxSender,
  mailDomain,
  mailpit,
  observeNotifications,
  pdfText,
  serviceOptions,
  withSmtp,
} from './delivery.fixture.ts';

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
    const mail = mailpit(ns.config);
    const smtpUrl = `smtp://127.0.0.1:${ns.config.stack.ports.mailpitSmtp}`;
    await start(startNotificationService(withSmtp(ns.config, smtpUrl), serviceOptions(ns, testLogger())));
    const seen = await observeNotifications(ns, serde);
    closers.push(seen.stop);
    const commands = await mailboxSender(ns, serde);
    closers.push(commands.stop);

    const orderId = `order-${randomUUID()}`;
    const to = `ada-${orderId.slice(-8)}@${mailDomain(ns)}`;
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

    const [summary, ...others] = await eventually(async () => {
      const found = await mail.to(to);
      return found.length > 0 && found;
    });
    expect(others).toEqual([]);
    const message = await mail.message(summary!.ID);
    expect(message.MessageID).toBe(String(requested!.value.messageId).replace(/^<|>$/g, ''));
    expect(message.Subject).toContain('INV-2026-004217');
    expect(message.Text).toContain(orderId);
    expect(message.Attachments.map((a) => [a.FileName, a.ContentType])).toEqual([
      ['INV-2026-004217.pdf', 'application/pdf'],
    ]);
    const pdf = await mail.part(message.ID, message.Attachments[0]!.PartID);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(pdf)).toContain('INV-2026-004217');
    expect(seen.of('NotificationFailed', id)).toEqual([]);
  });
});

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Received {
  to: string[];
  messageId: string;
}

/** An SMTP server that accepts everything but the recipients in `refuse`, answered 550. */
async function smtpServer(port: number, refuse: Set<string>) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refuse.has(address.address)) return callback();
      callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const head =
          Buffer.concat(chunks)
            .toString('utf8')
            .split(/\r?\n\r?\n/)[0] ?? '';
        const messageId = /^Message-ID:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '';
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), messageId });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('SMTP down, a refused recipient, and an operator retry', () => {
  it('waits while the server is down, fails a 550 permanently without blocking the next, and retries it from the CLI', {
    timeout: 300_000,
  }, async () => {
    const port = await freePort();
    const warnings: { msg: string; notificationId?: string }[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => warnings.push(JSON.parse(line) as { msg: string }) },
    );
    await start(
      startNotificationService(
        withSmtp(ns.config, `smtp://127.0.0.1:${port}`, { maxAttempts: 2, baseMs: 200 }),
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
    const domain = mailDomain(ns);
    const orders = ['first', 'refused', 'last'].map((name) => ({
      orderId: `order-${name}-${randomUUID()}`,
      to: `${name}@${domain}`,
    }));
    for (const { orderId, to } of orders) {
      await commands.contact(orderId, to);
      await commands.request(orderId, 'order_shipped');
    }

    // Down: every message is tried, told to wait, and none is recorded as failed.
    await eventually(
      () =>
        new Set(
          warnings.filter((w) => w.msg === 'SMTP server unavailable; the message waits').map((w) => w.notificationId),
        ).size >= 1 && warnings.filter((w) => w.msg === 'SMTP server unavailable; the message waits').length >= 3,
      { timeoutMs: 90_000, message: 'the sender found the SMTP server unavailable and waits' },
    );
    const ids = orders.map(({ orderId }) => `order_shipped:${orderId}`);
    expect(ids.flatMap((id) => [...seen.of('NotificationFailed', id), ...seen.of('NotificationSent', id)])).toEqual([]);

    // Up, refusing one recipient.
    const refuse = new Set([orders[1]!.to]);
    const server = await smtpServer(port, refuse);
    closers.push(server.close);
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
    expect(server.received.map((r) => r.to[0]).sort()).toEqual([orders[0]!.to, orders[2]!.to].sort());

    // The operator fixes the address's problem and retries through the CLI, once the read model shows it failed.
    refuse.clear();
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
    expect(server.received.filter((r) => r.to[0] === orders[1]!.to).map((r) => r.messageId)).toEqual([
      `<${String(retried[0]!.value.messageId).replace(/^<|>$/g, '')}>`,
    ]);

    // A second retry of a sent message is refused, in the operator's terms.
    await expect(promisify(execFile)(cli, ['notifications', 'retry', idOf(0), ...args], { env })).rejects.toMatchObject(
      { stderr: expect.stringContaining('is not failed') },
    );
  });
});
