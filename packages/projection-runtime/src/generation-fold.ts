/**
 * The projection loop, written once: one consumer group folding its topics into one generation's collection.
 *
 * Per fetched batch (one partition): decode the records, load the documents their events target, fold purely
 * (`foldBatch`), write the changed documents in one `bulkWrite`, dead-letter what could not be decoded or
 * applied, drop the cache entries of every targeted document, announce the changes, and only then commit the
 * consumer offset. Offsets after writes: a crash anywhere before the commit replays the batch, and the version
 * guard skips what was already written, so a worker killed at any instant ends like a clean fold from zero.
 *
 * Cache entries are dropped for every document a batch targets, not only the ones it changed: after a crash the
 * replayed events are all skipped (nothing changes), and the entries a crashed run left stale still go.
 */
import { deadLetterRecord, type Serde, typedRecordMapping } from '@streamshop/eventsourcing-kafka';
import type { ReadCache } from '@streamshop/read-cache';
import { logicalTopic, type TopicName, topicName } from '@streamshop/schemas/topics';
import type { EventDraft } from '@streamshop/schemas/types';
import type { Batch, Consumer, ConsumerConfig, Kafka, Producer } from 'kafkajs';
import type { Db, Document } from 'mongodb';
import type { Logger } from 'pino';
import {
  type EventName,
  generationCollection,
  type ProjectedEvent,
  type ProjectionDefinition,
  type ReadModelDocument,
} from './definition.ts';
import { foldBatch, lookups } from './fold.ts';
import { ensureIndexes, loadDocuments, WriteConflict, writeDocuments } from './store.ts';

export interface FoldDeps {
  kafka: Kafka;
  serde: Serde;
  db: Db;
  cache: ReadCache | null;
  logger: Logger;
  /** Topic name prefix of the deployment ('' in production). */
  prefix: string;
}

export interface BatchReport {
  topic: string;
  partition: number;
  /** Next offset to read in this partition. */
  position: string;
  records: number;
  applied: number;
  skipped: number;
  deadLettered: number;
}

export interface GenerationFoldOptions<D extends ReadModelDocument, E extends ProjectedEvent = ProjectedEvent> {
  definition: ProjectionDefinition<D, E>;
  generation: number;
  groupId: string;
  /** Whether this fold feeds the active generation (only then are change notices published). */
  isActive(): boolean;
  /** Point-in-time copies skip events that occurred at or after this instant. */
  until?: number;
  onBatch?(report: BatchReport): void;
  onDeadLetter?(message: string): void;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
}

export interface GenerationFold {
  start(): Promise<void>;
  /** Finishes the in-flight batch (its offset commits) and leaves the group. */
  stop(): Promise<void>;
  /**
   * Next offset per `topic:partition` whose events this fold has written since it started (its commit follows,
   * and may be lost if the fold is stopped or crashes right then: the group then folds the batch again, skipping
   * what is written). This, not the committed offset, is how far the collection's contents go.
   */
  readonly positions: ReadonlyMap<string, bigint>;
  readonly groupId: string;
}

// Events only: a projection reads no commands. The mapping strips the envelope into `meta`, leaving the payload.
const mapping = typedRecordMapping<never, EventDraft<EventName>>({ replyType: 'streamshop.commerce.CommandReply' });
const MAX_CONFLICT_RETRIES = 20;

export function createGenerationFold<D extends ReadModelDocument, E extends ProjectedEvent>(
  deps: FoldDeps,
  options: GenerationFoldOptions<D, E>,
): GenerationFold {
  const { definition, generation, groupId } = options;
  const logger = deps.logger.child({ projection: definition.model, generation });
  const collection = deps.db.collection<Document>(generationCollection(definition.collection, generation));
  const dlqTopic = topicName('commerce.dlq', deps.prefix);
  const positions = new Map<string, bigint>();
  const guardRevision = definition.topics.length > 1;
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;

  function toEvent(batch: Batch, m: Batch['messages'][number], decoded: { type: string; value: unknown }) {
    const { event, meta } = mapping.readEvent(decoded);
    const topic = logicalTopic(batch.topic, deps.prefix) as TopicName;
    return {
      topic,
      ...event,
      meta,
      partition: batch.partition,
      offset: m.offset,
      timestamp: Number(m.timestamp),
    } satisfies ProjectedEvent;
  }

  async function processBatch(batch: Batch, heartbeat: () => Promise<void>): Promise<BatchReport> {
    const t0 = performance.now();
    const dead: { message: Batch['messages'][number]; error: Error }[] = [];
    const events: ProjectedEvent[] = [];
    const byOffset = new Map<string, Batch['messages'][number]>();
    for (const m of batch.messages) {
      byOffset.set(m.offset, m);
      try {
        if (m.value === null) throw new Error('record has no value');
        const event = toEvent(batch, m, await deps.serde.decode(m.value));
        const occurredAt = Number(event.meta.occurredAt);
        if (options.until !== undefined && occurredAt >= options.until) continue;
        events.push(event);
      } catch (err) {
        dead.push({ message: m, error: err instanceof Error ? err : new Error(String(err)) });
      }
    }

    await heartbeat(); // long batches on a slow database must not cost the group membership
    const t1 = performance.now();
    let tLoad = 0;
    let tWrite = 0;
    // Fold and write; a write conflict (another instance changed a document) folds again from fresh documents.
    let fold = foldBatch(definition, [], []);
    for (let attempt = 0; ; attempt++) {
      const { ids, byField } = lookups(definition, events);
      const ta = performance.now();
      const loaded = await loadDocuments<D>(collection, ids, byField);
      tLoad += performance.now() - ta;
      fold = foldBatch(definition, loaded, events);
      const tb = performance.now();
      try {
        await writeDocuments(collection, fold.writes, { guardRevision, afterEachRequest: heartbeat });
        tWrite += performance.now() - tb;
        break;
      } catch (err) {
        if (!(err instanceof WriteConflict) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        logger.debug({ err, attempt }, 'write conflict; folding the batch again');
      }
    }
    for (const { event, error } of fold.failures) {
      const message = byOffset.get(event.offset);
      if (message) dead.push({ message, error });
    }

    if (dead.length > 0) {
      producer ??= deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      const messages = [];
      for (const { message, error } of dead) {
        logger.warn(
          { topic: batch.topic, partition: batch.partition, offset: message.offset, err: error },
          'event sent to the DLQ; continuing',
        );
        const record = await deadLetterRecord(
          deps.serde,
          dlqTopic,
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key ?? null,
            value: message.value ?? null,
            headers: message.headers ?? {},
          },
          error,
          groupId,
        );
        messages.push(record.message);
        options.onDeadLetter?.(`${batch.topic}[${batch.partition}]@${message.offset}: ${error.message}`);
      }
      await producer.send({ topic: dlqTopic, messages, acks: -1 });
    }

    if (deps.cache && fold.touched.size > 0) {
      const entries = [];
      for (const [id, doc] of fold.touched) {
        entries.push(...(definition.cacheEntries ? definition.cacheEntries(doc) : [{ kind: 'id', id }]));
      }
      await deps.cache.invalidate(definition.model, generation, entries);
      if (fold.writes.size > 0 && options.isActive()) {
        const changes = [...fold.writes.values()].map(({ doc }) =>
          definition.notice ? definition.notice(doc) : { id: doc._id },
        );
        await deps.cache.publishChanges(definition.model, { model: definition.model, generation, changes });
      }
    }
    logger.debug(
      {
        topic: batch.topic,
        partition: batch.partition,
        records: batch.messages.length,
        applied: fold.applied,
        ms: Math.round(performance.now() - t0),
        decodeMs: Math.round(t1 - t0),
        loadMs: Math.round(tLoad),
        writeMs: Math.round(tWrite),
      },
      'batch folded',
    );
    return {
      topic: batch.topic,
      partition: batch.partition,
      position: (BigInt(batch.lastOffset()) + 1n).toString(),
      records: batch.messages.length,
      applied: fold.applied,
      skipped: fold.skipped,
      deadLettered: dead.length,
    };
  }

  return {
    groupId,
    positions,
    async start() {
      await ensureIndexes(collection, definition.indexes);
      consumer = deps.kafka.consumer({
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        allowAutoTopicCreation: false,
        maxBytesPerPartition: 1024 * 1024,
        ...options.consumer,
        groupId,
        readUncommitted: false,
      });
      // Batches holding only transaction markers (or aborted records) never reach eachBatch; kafkajs moves past
      // them itself. Count them as read, or a rebuild would wait forever for the last commit marker.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize !== 0) return;
        const key = `${payload.topic}:${payload.partition}`;
        const next = BigInt(payload.lastOffset) + 1n;
        if ((positions.get(key) ?? -1n) < next) positions.set(key, next);
      });
      await consumer.connect();
      for (const t of definition.topics)
        await consumer.subscribe({ topic: topicName(t, deps.prefix), fromBeginning: true });
      const c = consumer;
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isStale, isRunning, commitOffsetsIfNecessary }) => {
          if (isStale() || !isRunning()) return;
          const report = batch.isEmpty()
            ? {
                topic: batch.topic,
                partition: batch.partition,
                position: (BigInt(batch.lastOffset()) + 1n).toString(),
                records: 0,
                applied: 0,
                skipped: 0,
                deadLettered: 0,
              }
            : await processBatch(batch, heartbeat);
          const key = `${batch.topic}:${batch.partition}`;
          if ((positions.get(key) ?? -1n) < BigInt(report.position)) positions.set(key, BigInt(report.position));
          if (isStale()) return;
          const offset = { partition: batch.partition, offset: report.position };
          if (isRunning()) {
            await c.commitOffsets([{ topic: batch.topic, ...offset }]); // retried by kafkajs
          } else {
            // Stopping (a handoff, a shutdown): kafkajs silently drops consumer.commitOffsets once stop() has
            // begun, but the batch's own commit still reaches the coordinator: the group is left after this batch.
            await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [offset] }] });
          }
          if (!batch.isEmpty()) resolveOffset(batch.lastOffset());
          options.onBatch?.(report);
          await heartbeat();
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
      consumer = undefined;
      await producer?.disconnect();
      producer = undefined;
    },
  };
}
