/**
 * The notification service, on Kafka:
 * - a reactor over orders.events, invoicing.events and inventory.events running the pure `translate`: each event
 *   becomes the mailbox commands it causes (notifications.commands), produced in the transaction that consumes it,
 *   so what is owed is recorded once with the offsets; an unknown or undecodable record is dead-lettered;
 * - the command processor of the Mailbox decider over notifications.*: NotificationRequested is the record that a
 *   message is owed (with its stable Message-ID), and the sender's reports come back to it as commands;
 * - the sender: delivers each NotificationRequested over SMTP and reports it.
 * `tsx services/notification/src/main.ts` runs it alone; `startNotificationService` runs it beside the others.
 */

import { allOf, isEntryPoint, runService, type ServiceOptions, serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, createReactor, type Runnable } from '@streamshop/eventsourcing-kafka';
import type { NotificationsCommand } from '@streamshop/schemas/types';
import { notificationMail } from './adapters/notification-mail.ts';
import { createSmtpSender, type MailTransport, smtpTransport } from './adapters/smtp-sender.ts';
import { asNotificationSource, createMailboxDecider, type MailboxEventDraft, translate } from './domain/index.ts';
import { renderNotification } from './templates/index.ts';

export function startNotificationService(
  config: Config,
  options: ServiceOptions = {},
  /** The SMTP transport (default nodemailer over config.notifications.smtpUrl); a crash test wraps it. */
  mail: { transport?: MailTransport } = {},
): Runnable {
  const w = serviceWiring(config, 'notification-service', options);
  const topics = w.contextTopics('notifications');
  const mailbox = createCommandProcessor({
    ...w.runtime,
    service: w.service,
    decider: createMailboxDecider({
      // Message-IDs end with the shop's host, so they are unique to this shop and stable across retries.
      messageIdHost: new URL(config.shop.publicUrl).hostname,
      adminEmails: config.notifications.adminEmails,
    }),
    serde: w.serde,
    mapping: w.mapping<NotificationsCommand, MailboxEventDraft>(),
    topics,
  });
  const reactor = createReactor({
    ...w.runtime,
    service: `${w.service}-reactor`,
    topics: [w.topic('orders.events'), w.topic('invoicing.events'), w.topic('inventory.events')],
    serde: w.serde,
    dlqTopic: w.topic('commerce.dlq'),
    react: (record) =>
      translate(asNotificationSource(record), { notBefore: config.notifications.notBefore }).map((command) => ({
        topic: topics.commands,
        key: command.value.aggregateId,
        type: command.type,
        value: command.value,
      })),
  });
  // After the mailbox: it reads notifications.events and reports to notifications.commands (adapters/smtp-sender.ts).
  const sender = createSmtpSender({
    kafka: w.kafka,
    logger: w.logger,
    ...(options.consumer ? { consumer: options.consumer } : {}),
    groupId: `${w.service}-sender`,
    eventsTopic: topics.events,
    commandsTopic: topics.commands,
    serde: w.serde,
    transport: mail.transport ?? smtpTransport(config.notifications.smtpUrl),
    compose: notificationMail({ render: renderNotification, shop: config.shop, from: config.notifications.from }),
    retry: config.notifications.retry,
  });
  return allOf([mailbox, reactor, sender]);
}

if (isEntryPoint(import.meta.url)) await runService('notification-service', startNotificationService);
