/**
 * The SMTP sender: delivers each NotificationRequested on notifications.events and records what happened on
 * notifications.commands (RecordNotificationSent / RecordNotificationFailed), for the Mailbox decider to fold.
 *
 * Order of effects, per record: send over SMTP → produce the record command (acknowledged by every in-sync replica)
 * → commit the record's offset. So nothing owed is ever lost: a crash before the commit makes whoever owns the
 * partition next read the request again. The price, which SMTP cannot avoid (the server's acceptance and our record
 * cannot be one transaction): a sender killed between the server's acceptance and the commit sends that message
 * once more, with the same Message-ID (a receiver may drop the copy), and its second record command has the same
 * id, so the mailbox records it once. Records are handled one at a time per partition, so a crash re-sends at most
 * one message per partition the instance owned; a rebalance in the middle of a send can do the same.
 * The sender also remembers (in memory) which attempts it saw recorded as sent or failed on the topic, and skips
 * such a request if it reads it again (a group reset, or an owner that already read past the record).
 *
 * Failures (smtp-failure.ts): an unreachable server makes the message wait with backoff, forever — nothing is
 * recorded as failed, and the messages behind it wait too; a 4xx answer is tried again with backoff up to
 * `retry.maxAttempts` times, then recorded failed; a 5xx answer (or a message that cannot be rendered) is recorded
 * failed, permanent, at once, and the next message goes. Partitions are consumed concurrently, so a message in its
 * 4xx backoff holds up only its own partition.
 *
 * The sender reads the events topic only to send; the command processor owns that topic's data, so a record it
 * cannot decode is logged and passed, not dead-lettered.
 */
import type { Runnable, Serde } from '@streamshop/eventsourcing-kafka';
import type { NotificationRequested, NotificationsEvent } from '@streamshop/schemas/types';
import { type ConsumerConfig, type Kafka, Partitioners, type Producer } from 'kafkajs';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Logger } from 'pino';
import { notificationFailed, notificationSent } from './delivery-records.ts';
import type { ComposeMail } from './notification-mail.ts';
import { backoffMs, classifySmtpError, type SmtpFailure } from './smtp-failure.ts';

/** What the sender needs of a mail transport (nodemailer's SMTP transport; a test harness may wrap it). */
export interface MailTransport {
  sendMail(mail: Mail.Options): Promise<{ response?: string; accepted?: unknown[]; rejected?: unknown[] }>;
  close(): void;
}

/** nodemailer over `smtpUrl`, with timeouts short enough that a dead server is noticed and waited for. */
export function smtpTransport(smtpUrl: string): MailTransport {
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
}

export interface SmtpSenderOptions {
  kafka: Kafka;
  /** Consumer group of the sender (one per deployment: the instances share the partitions). */
  groupId: string;
  eventsTopic: string;
  commandsTopic: string;
  serde: Serde;
  transport: MailTransport;
  compose: ComposeMail;
  retry: { maxAttempts: number; baseMs: number };
  /** Longest wait between tries while the server is unreachable (default 60 s). */
  unavailableCapMs?: number;
  logger: Logger;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
  now?: () => number;
}

/** Thrown out of a wait when the sender stops: the record stays uncommitted and is read again after a restart. */
class SenderStopping extends Error {
  override name = 'SenderStopping';
}

const SETTLED_MEMORY = 100_000;
const settledKey = (notificationId: string, attempt: number) => `${notificationId}\u001f${attempt}`;
const domainsOf = (to: readonly string[]) => [...new Set(to.map((a) => a.slice(a.lastIndexOf('@') + 1)))];

export function createSmtpSender(options: SmtpSenderOptions): Runnable {
  const { kafka, serde, transport, compose, retry } = options;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ adapter: 'smtp-sender', topic: options.eventsTopic });
  const consumer = kafka.consumer({
    allowAutoTopicCreation: false,
    ...options.consumer,
    groupId: options.groupId,
    readUncommitted: false,
  });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  /** Attempts recorded sent or failed (insertion-ordered, so the oldest are forgotten first). */
  const settled = new Set<string>();
  let stopping = false;

  const remember = (notificationId: string, attempt: number) => {
    settled.add(settledKey(notificationId, attempt));
    if (settled.size > SETTLED_MEMORY) settled.delete(settled.values().next().value as string);
  };

  /** Waits `ms`, keeping the group membership alive; throws when a rebalance or a stop interrupts. */
  async function wait(ms: number, heartbeat: () => Promise<void>) {
    const until = Date.now() + ms;
    for (;;) {
      if (stopping) throw new SenderStopping('sender stopping');
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 500)));
      await heartbeat();
    }
  }

  async function record(
    command: ReturnType<typeof notificationSent> | ReturnType<typeof notificationFailed>,
    heartbeat: () => Promise<void>,
  ) {
    const value = await serde.encode(options.commandsTopic, command.type, command.value);
    // Kafka being away must not turn into a second e-mail: keep trying to record rather than give the record up.
    for (let n = 1; ; n++) {
      try {
        await producer.send({ topic: options.commandsTopic, acks: -1, messages: [{ key: command.key, value }] });
        return;
      } catch (err) {
        log.warn({ err, notificationId: command.value.notificationId }, 'could not record the outcome; retrying');
        await wait(backoffMs(n, 500, 10_000), heartbeat);
      }
    }
  }

  async function fail(
    requested: NotificationRequested,
    failure: Exclude<SmtpFailure, { kind: 'unavailable' }>,
    heartbeat: () => Promise<void>,
  ) {
    log.warn(
      {
        notificationId: requested.notificationId,
        attempt: requested.attempt,
        kind: requested.kind,
        smtpCode: failure.smtpCode,
        permanent: failure.kind === 'permanent',
        error: failure.error,
      },
      'notification not delivered; recorded failed',
    );
    await record(notificationFailed(requested, failure, now()), heartbeat);
  }

  async function deliver(requested: NotificationRequested, heartbeat: () => Promise<void>) {
    let mail: Mail.Options;
    try {
      mail = await compose(requested);
    } catch (err) {
      await fail(
        requested,
        { kind: 'permanent', error: `could not render: ${(err as Error).message}`, smtpCode: null },
        heartbeat,
      );
      return;
    }
    let tries = 1;
    let waits = 0;
    for (;;) {
      let failure: SmtpFailure;
      try {
        const info = await transport.sendMail(mail);
        await record(notificationSent(requested, info.response ?? null, now()), heartbeat);
        log.info(
          {
            notificationId: requested.notificationId,
            attempt: requested.attempt,
            kind: requested.kind,
            toDomains: domainsOf(requested.to),
            messageId: requested.messageId,
          },
          'notification sent',
        );
        return;
      } catch (err) {
        if (err instanceof SenderStopping) throw err;
        failure = classifySmtpError(err);
      }
      if (failure.kind === 'unavailable') {
        waits++;
        const ms = backoffMs(waits, retry.baseMs, options.unavailableCapMs);
        log.warn(
          { notificationId: requested.notificationId, error: failure.error, smtpCode: failure.smtpCode, retryInMs: ms },
          'SMTP server unavailable; the message waits',
        );
        await wait(ms, heartbeat);
        continue;
      }
      if (failure.kind === 'transient' && tries < retry.maxAttempts) {
        const ms = backoffMs(tries, retry.baseMs, options.unavailableCapMs);
        log.warn(
          {
            notificationId: requested.notificationId,
            smtpCode: failure.smtpCode,
            error: failure.error,
            tries,
            retryInMs: ms,
          },
          'SMTP server deferred the message; trying again',
        );
        tries++;
        await wait(ms, heartbeat);
        continue;
      }
      await fail(requested, failure, heartbeat);
      return;
    }
  }

  async function handle(event: NotificationsEvent, heartbeat: () => Promise<void>) {
    switch (event.type) {
      case 'streamshop.notifications.NotificationSent':
      case 'streamshop.notifications.NotificationFailed':
        remember(event.value.notificationId, event.value.attempt);
        return;
      case 'streamshop.notifications.NotificationRequested': {
        const requested = event.value;
        if (settled.has(settledKey(requested.notificationId, requested.attempt))) {
          log.debug({ notificationId: requested.notificationId }, 'already recorded; not sent again');
          return;
        }
        await deliver(requested, heartbeat);
        remember(requested.notificationId, requested.attempt);
        return;
      }
      default:
        return;
    }
  }

  return {
    async start() {
      stopping = false;
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: options.eventsTopic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        // One record at a time within a partition (at most one message per partition in flight), partitions side
        // by side, so one message in its retry backoff does not hold up the others.
        partitionsConsumedConcurrently: 8,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          if (message.value !== null) {
            let event: NotificationsEvent | undefined;
            try {
              event = (await serde.decode(message.value)) as NotificationsEvent;
            } catch (err) {
              log.warn({ partition, offset: message.offset, err }, 'record not readable; passed over');
            }
            if (event) await handle(event, heartbeat);
          }
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        },
      });
    },
    async stop() {
      stopping = true;
      await consumer.disconnect();
      await producer.disconnect();
      transport.close();
    },
  };
}
