/**
 * What the delivery tests share: the notification service as it really runs (`startNotificationService`) under a
 * test file's prefix, mailbox commands sent as the reactor sends them, a read_committed observer of
 * notifications.events, and reading what arrived in Mailpit (its REST API) and in a PDF (pdftotext).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Config } from '@streamshop/config';
import { commandEnvelope } from '@streamshop/eventsourcing-kafka';
import { type AvroSerde, ensureTopics, type RecordTypes, topicName } from '@streamshop/schemas';
import type { InvoiceDocument, NotificationKind } from '@streamshop/schemas/types';
import { fastConsumer, type Namespace } from '@streamshop/testkit';
import { Partitioners } from 'kafkajs';

/** A recipient domain of this test file's own, so parallel files never read each other's mail. */
export const mailDomain = (ns: Namespace) => `${ns.id.replace(/_/g, '-')}.test`;

export const serviceOptions = (ns: Namespace, logger: import('pino').Logger) => ({
  prefix: ns.topicPrefix,
  logger,
  consumer: fastConsumer,
  fencedBackoffMs: 2_000,
});

export function withSmtp(config: Config, smtpUrl: string, retry = { maxAttempts: 2, baseMs: 200 }): Config {
  return { ...config, notifications: { ...config.notifications, smtpUrl, retry } };
}

export async function createTopics(ns: Namespace) {
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
}

type MailboxCommand = 'NoteOrderContact' | 'RequestNotification';

/** Sends mailbox commands to the test's notifications.commands, keyed by order (the mailbox). */
export async function mailboxSender(ns: Namespace, serde: AvroSerde) {
  const producer = ns.kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const send = async <N extends MailboxCommand>(
    name: N,
    orderId: string,
    payload: Omit<RecordTypes[`streamshop.notifications.${N}`], keyof ReturnType<typeof commandEnvelope>>,
  ) => {
    const value = {
      ...commandEnvelope({ commandId: randomUUID(), aggregateId: orderId, issuedAt: Date.now() }),
      ...payload,
    };
    const bytes = await serde.encode(
      'notifications.commands',
      `streamshop.notifications.${name}` as never,
      value as never,
    );
    await producer.send({
      topic: topicName('notifications.commands', ns.topicPrefix),
      messages: [{ key: orderId, value: bytes }],
    });
  };
  return {
    contact: (orderId: string, email: string) =>
      send('NoteOrderContact', orderId, {
        orderId,
        customerId: 'user_1',
        contact: { email, name: 'Ada Lovelace', locale: 'en-GB' },
      }),
    request: (orderId: string, kind: NotificationKind, document: InvoiceDocument | null = null) =>
      send('RequestNotification', orderId, {
        notificationId: `${kind}:${orderId}`,
        kind,
        orderId,
        carrier: kind === 'order_shipped' ? 'DHL' : null,
        trackingNumber: kind === 'order_shipped' ? `JD${orderId.slice(-6)}` : null,
        reason: kind === 'order_cancelled' || kind === 'payment_failed' ? 'customer_request' : null,
        amount: document?.gross ?? null,
        document,
      }),
    stop: () => producer.disconnect(),
  };
}

export interface Observed {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read fields of several record types.
  value: Record<string, any>;
}

/** Everything a read_committed consumer sees on the test's notifications.events (or .commands), in partition order. */
export async function observeNotifications(
  ns: Namespace,
  serde: AvroSerde,
  topic: 'notifications.events' | 'notifications.commands' = 'notifications.events',
) {
  const seen: Observed[] = [];
  const consumer = ns.kafka.consumer({
    groupId: `${ns.id}-observer-${randomUUID()}`,
    readUncommitted: false,
    ...fastConsumer,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(topic, ns.topicPrefix), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) seen.push((await serde.decode(message.value)) as unknown as Observed);
    },
  });
  const of = (type: string, notificationId?: string) =>
    seen.filter(
      (e) =>
        e.type === `streamshop.notifications.${type}` && (!notificationId || e.value.notificationId === notificationId),
    );
  return { seen, of, stop: () => consumer.disconnect() };
}

/** Mailpit's REST API (https://mailpit.axllent.org/docs/api-v1/): what reached the inbox. */
export function mailpit(config: Config) {
  const base = `http://127.0.0.1:${config.stack.ports.mailpitHttp}/api/v1`;
  const json = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`Mailpit ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    /** Summaries of the messages to `address`, oldest first. */
    async to(address: string) {
      const { messages } = await json<{ messages: { ID: string; MessageID: string; Subject: string }[] }>(
        `/search?limit=200&query=${encodeURIComponent(`to:"${address}"`)}`,
      );
      return [...messages].reverse();
    },
    message: (id: string) =>
      json<{
        ID: string;
        MessageID: string;
        Subject: string;
        Text: string;
        HTML: string;
        Attachments: { PartID: string; FileName: string; ContentType: string }[];
      }>(`/message/${id}`),
    async part(id: string, partId: string): Promise<Buffer> {
      const res = await fetch(`${base}/message/${id}/part/${partId}`);
      if (!res.ok) throw new Error(`Mailpit part ${partId} of ${id}: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

/** The text of a PDF, as poppler's pdftotext extracts it (layout kept, so a table row stays on one line). */
export async function pdfText(pdf: Buffer): Promise<string> {
  const run = promisify(execFile);
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'pdf-'));
  try {
    await writeFile(join(dir, 'in.pdf'), pdf);
    const { stdout } = await run('pdftotext', ['-layout', join(dir, 'in.pdf'), '-']);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
