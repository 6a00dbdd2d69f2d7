/**
 * Operator queries over the `notifications` read model: how many messages stand in each status, the ones that
 * need a look (failed, still requested), newest first, and one message by id (what `retry` checks before it
 * sends). Not cached: operators want what was just recorded, and few of them ask.
 */
import type { QueryContext } from '../queries.ts';
import {
  NOTIFICATION_STATUSES,
  type NotificationDocument,
  type NotificationStatus,
} from './notifications.projection.ts';

export type Notification = Omit<NotificationDocument, '_id'>;

export interface NotificationQueries {
  /** Messages per status (every status present, 0 when none). */
  counts(): Promise<Record<NotificationStatus, number>>;
  /** Messages in these statuses, newest first (by their last change), at most `limit`. */
  list(input: { statuses: readonly NotificationStatus[]; limit: number }): Promise<Notification[]>;
  byId(notificationId: string): Promise<Notification | null>;
}

const toNotification = ({ _id, ...rest }: NotificationDocument & { _v?: unknown; _rev?: unknown }): Notification => {
  const { _v, _rev, ...publicFields } = rest;
  return publicFields;
};

export function createNotificationQueries(ctx: QueryContext): NotificationQueries {
  const open = async () => ctx.collection<NotificationDocument>('notifications', await ctx.generation('notifications'));
  return {
    async counts() {
      const notifications = await open();
      const counts = await Promise.all(NOTIFICATION_STATUSES.map((status) => notifications.countDocuments({ status })));
      return Object.fromEntries(NOTIFICATION_STATUSES.map((s, i) => [s, counts[i] ?? 0])) as Record<
        NotificationStatus,
        number
      >;
    },
    async list({ statuses, limit }) {
      const notifications = await open();
      const docs = await notifications
        .find({ status: { $in: [...statuses] } }, { sort: { updatedAt: -1, _id: 1 }, limit })
        .toArray();
      return docs.map(toNotification);
    },
    async byId(notificationId) {
      const notifications = await open();
      const doc = await notifications.findOne({ _id: notificationId });
      return doc ? toNotification(doc) : null;
    },
  };
}
