/**
 * The commands the SMTP sender records its outcomes with. Their ids derive from the message and the attempt, so
 * the copy a restarted sender produces after re-sending a message (see smtp-sender.ts) is the same command: the
 * runtime answers it as a duplicate and the mailbox records one NotificationSent per attempt.
 */
import { commandEnvelope, deterministicId } from '@streamshop/eventsourcing-kafka';
import type {
  NotificationRequested,
  RecordNotificationFailed,
  RecordNotificationSent,
} from '@streamshop/schemas/types';
import type { SmtpFailure } from './smtp-failure.ts';

export interface DeliveryCommand<T extends 'RecordNotificationSent' | 'RecordNotificationFailed'> {
  type: `streamshop.notifications.${T}`;
  key: string;
  value: T extends 'RecordNotificationSent' ? RecordNotificationSent : RecordNotificationFailed;
}

const origin = (requested: NotificationRequested, outcome: string, now: number) => ({
  commandId: deterministicId(outcome, requested.notificationId, requested.attempt),
  aggregateId: requested.aggregateId,
  issuedAt: now,
  correlationId: requested.correlationId,
  causationId: requested.eventId,
});

export function notificationSent(
  requested: NotificationRequested,
  response: string | null,
  now: number,
): DeliveryCommand<'RecordNotificationSent'> {
  return {
    type: 'streamshop.notifications.RecordNotificationSent',
    key: requested.aggregateId,
    value: {
      ...commandEnvelope(origin(requested, 'notification-sent', now)),
      notificationId: requested.notificationId,
      attempt: requested.attempt,
      messageId: requested.messageId,
      response: response?.slice(0, 1_000) ?? null,
    },
  };
}

export function notificationFailed(
  requested: NotificationRequested,
  failure: Exclude<SmtpFailure, { kind: 'unavailable' }>,
  now: number,
): DeliveryCommand<'RecordNotificationFailed'> {
  return {
    type: 'streamshop.notifications.RecordNotificationFailed',
    key: requested.aggregateId,
    value: {
      ...commandEnvelope(origin(requested, 'notification-failed', now)),
      notificationId: requested.notificationId,
      attempt: requested.attempt,
      permanent: failure.kind === 'permanent',
      error: failure.error,
      smtpCode: failure.smtpCode,
    },
  };
}
