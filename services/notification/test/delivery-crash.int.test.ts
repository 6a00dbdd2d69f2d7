/**
 * The delivery guarantee under a crash: the notification service runs in a child process that is SIGKILLed right
 * after the stack's Mailpit accepted its third message of a batch and before the sender recorded it (what arrived is
 * read with the testkit's mailbox, scoped to this file's mail domain). After a restart every
 * message of the batch is delivered, at most one twice — the one in flight — with the same Message-ID, and each
 * is recorded sent once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AvroSerde } from '@streamshop/schemas';
import type { NotificationKind } from '@streamshop/schemas/types';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, mailboxSender, observeNotifications } from './delivery.fixture.ts';

let ns: Namespace;
let serde: AvroSerde;
const children: ChildProcess[] = [];
const script = fileURLToPath(new URL('./delivery-sender.child.ts', import.meta.url));

function startChild(smtpUrl: string, crashAfter: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ns.topicPrefix, smtpUrl, String(crashAfter)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().split('\n').includes('ready')) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`sender child exited before ready (${code ?? signal})`)));
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.signalCode)
    : new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  await createTopics(ns);
}, 120_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exited(c);
    }
  }
  await ns?.cleanup();
}, 120_000);

describe('a sender killed between SMTP acceptance and its record', () => {
  it('delivers every message of the batch, at most one twice with the same Message-ID', {
    timeout: 300_000,
  }, async () => {
    const mailbox = ns.mailbox();
    const smtpUrl = `smtp://127.0.0.1:${ns.config.stack.ports.mailpitSmtp}`;
    const seen = await observeNotifications(ns, serde);
    const reports = await observeNotifications(ns, serde, 'notifications.commands');
    const commands = await mailboxSender(ns, serde);
    try {
      // One mailbox, so the batch is one partition, handled in order: the crash hits exactly the third message.
      const orderId = `order-${randomUUID()}`;
      const to = mailbox.address(`crash-${orderId.slice(-8)}`);
      const kinds: NotificationKind[] = [
        'payment_failed',
        'order_shipped',
        'order_delivered',
        'order_cancelled',
        'order_refunded',
      ];
      await commands.contact(orderId, to);
      for (const kind of kinds) await commands.request(orderId, kind);
      const ids = kinds.map((k) => `${k}:${orderId}`);

      const first = await startChild(smtpUrl, 3);
      expect(await exited(first)).toBe('SIGKILL');
      // The first two were reported before the third went out; the third was accepted and never reported.
      await eventually(
        () =>
          reports.of('RecordNotificationSent', ids[0]).length === 1 &&
          reports.of('RecordNotificationSent', ids[1]).length === 1,
        { timeoutMs: 60_000, message: 'the messages before the crash reported sent' },
      );
      expect(await mailbox.search({ to })).toHaveLength(3);
      expect(reports.of('RecordNotificationSent', ids[2])).toEqual([]);

      await startChild(smtpUrl, 0);
      await eventually(() => ids.every((id) => seen.of('NotificationSent', id).length >= 1), {
        timeoutMs: 120_000,
        message: 'every message of the batch recorded sent after the restart',
      });
      const requested = ids.map((id) => String(seen.of('NotificationRequested', id)[0]!.value.messageId));
      const delivered = await mailbox.waitFor({ to }, { count: ids.length });
      const copies = new Map<string, number>();
      for (const m of delivered) copies.set(m.MessageID, (copies.get(m.MessageID) ?? 0) + 1);
      expect([...copies.keys()].sort()).toEqual([...requested].sort());
      const twice = [...copies].filter(([, n]) => n > 1);
      expect(twice.length).toBeLessThanOrEqual(1);
      expect(twice.every(([id, n]) => n === 2 && id === requested[2])).toBe(true);
      for (const id of ids) expect(seen.of('NotificationSent', id), id).toHaveLength(1);
    } finally {
      await commands.stop();
      await seen.stop();
      await reports.stop();
    }
  });
});
