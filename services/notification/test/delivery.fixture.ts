/**
 * What the delivery tests share: the notification service as it really runs (`startNotificationService`) under a
 * test file's prefix, mailbox commands sent as the reactor sends them, and a read_committed observer of
 * notifications.events. What arrived is read from Mailpit with the testkit's mailbox (the stack's Mailpit, scoped to
 * the file's mail domain) or its private Mailpit, and PDFs with its pdfText.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '@streamshop/config';
import { commandEnvelope } from '@streamshop/eventsourcing-kafka';
import { type AvroSerde, ensureTopics, type RecordTypes, topicName } from '@streamshop/schemas';
import type { InvoiceDocument, NotificationKind } from '@streamshop/schemas/types';
import { fastConsumer, type Namespace } from '@streamshop/testkit';
import { Partitioners } from 'kafkajs';

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
