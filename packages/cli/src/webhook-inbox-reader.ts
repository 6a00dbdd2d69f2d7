/**
 * Reads the webhook inbox (commerce.webhooks) for `streamshop webhooks`: every WebhookReceived between a time range's
 * start and the topic's end as it was when the read began (read_committed), folded by provider event id. A provider
 * event can be in the inbox more than once (a redelivery after a 5xx, or the gateway stopped between the inbox
 * record and the command); the copies are the same event with the same command id, so they are listed once, as
 * first received, with how many copies there are.
 */
import { randomUUID } from 'node:crypto';
import { readPartitionRange, type Serde, topicOffsets } from '@streamshop/eventsourcing-kafka';
import type { WebhookProvider, WebhookReceived } from '@streamshop/schemas/types';
import { StepError } from '@streamshop/stack';
import type { Admin, Kafka } from 'kafkajs';

export interface InboxFilter {
  /** Epoch ms: received at or after. */
  since?: number;
  /** Epoch ms: received before. */
  until?: number;
  provider?: WebhookProvider;
  /** The provider's event type, exactly (payment_intent.succeeded). */
  eventType?: string;
  providerEventId?: string;
}

export interface InboxEntry {
  received: WebhookReceived;
  /** How many times the inbox holds this provider event. */
  copies: number;
  /** Where its first copy is. */
  partition: number;
  offset: string;
}

export interface InboxRecord {
  partition: number;
  offset: string;
  received: WebhookReceived;
}

const WEBHOOK_RECORD = 'streamshop.commerce.WebhookReceived';

/** Keeps the records the filter selects, one entry per provider event (its first copy), oldest first. Pure. */
export function foldInbox(records: readonly InboxRecord[], filter: InboxFilter = {}): InboxEntry[] {
  const byEvent = new Map<string, InboxEntry>();
  for (const { partition, offset, received: r } of records) {
    if (filter.since !== undefined && r.receivedAt < filter.since) continue;
    if (filter.until !== undefined && r.receivedAt >= filter.until) continue;
    if (filter.provider !== undefined && r.provider !== filter.provider) continue;
    if (filter.eventType !== undefined && r.eventType !== filter.eventType) continue;
    if (filter.providerEventId !== undefined && r.providerEventId !== filter.providerEventId) continue;
    const key = `${r.provider}\u0000${r.providerEventId}`;
    const seen = byEvent.get(key);
    if (seen) {
      seen.copies++;
      if (r.receivedAt < seen.received.receivedAt) Object.assign(seen, { received: r, partition, offset });
    } else {
      byEvent.set(key, { received: r, copies: 1, partition, offset });
    }
  }
  return [...byEvent.values()].sort((a, b) => a.received.receivedAt - b.received.receivedAt);
}

/**
 * Reads the inbox topic from `filter.since` (by record timestamp, which the gateway sets when it records the
 * webhook) or its start, to its end as of now, partition by partition, and folds it. `onProgress` hears each
 * partition as it is done. The readers' throwaway consumer groups are deleted afterwards.
 */
export async function readInbox(
  ctx: { kafka: Kafka; serde: Serde; topic: string },
  filter: InboxFilter = {},
  onProgress?: (done: { partition: number; records: number; partitions: number }) => void,
): Promise<{ entries: InboxEntry[]; unreadable: number }> {
  const { kafka, serde, topic } = ctx;
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new StepError(
      `cannot reach Kafka (${(err as Error).message}); start the stack with \`npx streamshop stack up\` or set KAFKA_BROKERS`,
    );
  }
  const groupIdPrefix = `streamshop-webhooks-reader-${randomUUID()}`;
  const records: InboxRecord[] = [];
  let unreadable = 0;
  try {
    const ends = await offsetsOf(admin, topic);
    // A few seconds of slack: the record timestamp is taken when the producer sends, just after receivedAt.
    const starts =
      filter.since === undefined ? undefined : await admin.fetchTopicOffsetsByTimestamp(topic, filter.since - 60_000);
    for (const end of ends) {
      const from = BigInt(starts?.find((s) => s.partition === end.partition)?.offset ?? end.low);
      const to = BigInt(end.offset);
      let read = 0;
      await readPartitionRange(
        kafka,
        { topic, partition: end.partition, from: from < 0n ? to : from, to },
        async (message) => {
          read++;
          try {
            const decoded = await serde.decode(message.value ?? Buffer.alloc(0));
            if (decoded.type !== WEBHOOK_RECORD) throw new Error(`a ${decoded.type}, not a ${WEBHOOK_RECORD}`);
            records.push({ partition: end.partition, offset: message.offset, received: decoded.value as never });
          } catch {
            unreadable++;
          }
        },
        { groupIdPrefix },
      );
      onProgress?.({ partition: end.partition, records: read, partitions: ends.length });
    }
  } finally {
    const { groups } = await admin.listGroups().catch(() => ({ groups: [] as { groupId: string }[] }));
    const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(groupIdPrefix));
    if (mine.length > 0) await admin.deleteGroups(mine).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
  return { entries: foldInbox(records, filter), unreadable };
}

async function offsetsOf(admin: Admin, topic: string) {
  if (!(await admin.listTopics()).includes(topic)) {
    throw new StepError(
      `topic ${topic} does not exist on this broker; create the catalog's topics with \`npx streamshop topics ensure\``,
    );
  }
  return (await topicOffsets(admin, topic)).sort((a, b) => a.partition - b.partition);
}
