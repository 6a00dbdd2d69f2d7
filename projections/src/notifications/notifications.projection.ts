/**
 * The `notifications` read model, for operators (`streamshop notifications status|retry`): one document per
 * message (notificationId), folded from notifications.events — what it is, to whom, which attempt, and where it
 * stands: requested (owed, not yet sent), sent, failed (with the server's last answer) or skipped (no address).
 * A retry is a new request of the same message: the document goes back to `requested` with the next attempt and
 * keeps the last error until the attempt is settled.
 */
import { type ProjectedEvent, type ProjectionDefinition, ProjectionError } from '@streamshop/projection-runtime';
import type { NotificationKind } from '@streamshop/schemas/types';

/** Where a message stands; declared once here (the CLI filters and counts by it). */
export const NOTIFICATION_STATUSES = ['requested', 'sent', 'failed', 'skipped'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface NotificationDocument {
  _id: string;
  notificationId: string;
  /** The mailbox aggregate it belongs to (the order id, or stock:<SKU>): where a retry is sent. */
  mailbox: string;
  kind: NotificationKind;
  to: string[];
  orderId: string | null;
  sku: string | null;
  /** The latest request: 1, then +1 per retry. */
  attempt: number;
  status: NotificationStatus;
  messageId: string | null;
  /** The last failure recorded (kept through a retry until it is settled again). */
  lastError: { attempt: number; message: string; smtpCode: number | null; permanent: boolean } | null;
  /** Why it was skipped, when it was. */
  skippedReason: string | null;
  requestedAt: number | null;
  sentAt: number | null;
  failedAt: number | null;
  /** When the last event applied happened (epoch ms): the lists sort by it, newest first. */
  updatedAt: number;
  version: number;
}

/** A message's own events; the mailbox's others (contacts, stock alerts) are ignored. */
const TRACKED = [
  'streamshop.notifications.NotificationRequested',
  'streamshop.notifications.NotificationSent',
  'streamshop.notifications.NotificationFailed',
  'streamshop.notifications.NotificationSkipped',
] as const;
type MessageEvent = ProjectedEvent<(typeof TRACKED)[number]>;

function existing(doc: NotificationDocument | null, event: MessageEvent): NotificationDocument {
  if (doc) return doc;
  throw new ProjectionError(`${event.type} ${event.meta.aggregateId}: no NotificationRequested before it`);
}

export const notificationsProjection: ProjectionDefinition<NotificationDocument, MessageEvent> = {
  model: 'notifications',
  collection: 'notifications',
  topics: ['notifications.events'],
  events: TRACKED,
  indexes: [{ key: { status: 1, updatedAt: -1 }, name: 'status_updated' }],
  target: (event) => ({ id: event.value.notificationId }),
  apply(doc, event) {
    const at = Number(event.meta.occurredAt);
    const meta = { updatedAt: at, version: event.meta.aggregateVersion };
    switch (event.type) {
      case 'streamshop.notifications.NotificationRequested': {
        const r = event.value;
        return {
          _id: r.notificationId,
          notificationId: r.notificationId,
          mailbox: event.meta.aggregateId,
          kind: r.kind,
          to: r.to,
          orderId: r.orderId,
          sku: r.sku,
          attempt: r.attempt,
          status: 'requested',
          messageId: r.messageId,
          lastError: doc?.lastError ?? null,
          skippedReason: null,
          requestedAt: at,
          sentAt: null,
          failedAt: doc?.failedAt ?? null,
          ...meta,
        };
      }
      case 'streamshop.notifications.NotificationSent': {
        const s = event.value;
        const current = existing(doc, event);
        // A late record of an earlier attempt changes nothing about the attempt in flight.
        if (s.attempt < current.attempt) return { ...current, ...meta };
        return { ...current, status: 'sent', messageId: s.messageId, sentAt: at, ...meta };
      }
      case 'streamshop.notifications.NotificationFailed': {
        const f = event.value;
        const current = existing(doc, event);
        if (f.attempt < current.attempt) return { ...current, ...meta };
        return {
          ...current,
          status: 'failed',
          lastError: { attempt: f.attempt, message: f.error, smtpCode: f.smtpCode, permanent: f.permanent },
          failedAt: at,
          ...meta,
        };
      }
      case 'streamshop.notifications.NotificationSkipped': {
        const s = event.value;
        return {
          _id: s.notificationId,
          notificationId: s.notificationId,
          mailbox: event.meta.aggregateId,
          kind: s.kind,
          to: doc?.to ?? [],
          orderId: doc?.orderId ?? (s.kind === 'low_stock' ? null : event.meta.aggregateId),
          sku: doc?.sku ?? null,
          attempt: doc?.attempt ?? 0,
          status: 'skipped',
          messageId: doc?.messageId ?? null,
          lastError: doc?.lastError ?? null,
          skippedReason: s.reason,
          requestedAt: doc?.requestedAt ?? null,
          sentAt: doc?.sentAt ?? null,
          failedAt: doc?.failedAt ?? null,
          ...meta,
        };
      }
    }
  },
  // Operators' reads are not cached (see notifications.queries.ts): nothing to drop.
  cacheEntries: () => [],
};
