/**
 * The command-processing runtime every command service runs: a consumer group on `<context>.commands` that, per
 * assigned partition, holds the state of that partition's aggregates, decides each command with the service's
 * decider, and writes one transaction per batch with the new events (same partition number in
 * `<context>.events`), the replies, follow-up commands from `react`, dead letters, snapshots, and the offset.
 *
 * State per partition is rebuilt on first use after assignment, *after* the partition's transactional producer
 * fenced the previous owner: read the compacted `<context>.snapshots` partition (one record per aggregate plus a
 * checkpoint), then only the events partition's tail from the checkpoint. Snapshots are written inside the same
 * transaction as the events they cover, every `snapshotEvery` events per partition, for every aggregate changed
 * since the last checkpoint; the checkpoint is the offset of that transaction's first event. Events at or below
 * a snapshot's version are skipped on rebuild, so the checkpoint may be conservative.
 */
import type { Decider } from '@streamshop/decider';
import type { Batch, ConsumerConfig, Kafka, KafkaMessage, Message, Transaction } from 'kafkajs';
import { type Logger, pino } from 'pino';
import {
  type AggregateEntry,
  type AggregateSnapshot,
  applyStoredEvent,
  DEFAULT_DEDUPE_WINDOW,
  fromSnapshot,
  handleCommand,
  jsonStateCodec,
  type StateCodec,
  toSnapshot,
} from './aggregates.ts';
import { deadLetterRecord } from './dead-letter.ts';
import type { CommandMeta, RecordMapping, StampedEvent } from './envelope.ts';
import { partitionOffsets, readPartitionRange } from './kafka-io.ts';
import { encodeOutgoing, type OutgoingRecord, sendGrouped } from './outgoing.ts';
import type { Serde } from './serde.ts';
import { type BatchContext, createTransactionalConsumer, type TopicPartition } from './transactional-consumer.ts';

export interface CommandTopics {
  commands: string;
  events: string;
  snapshots: string;
  /** Default `commerce.command-replies`. */
  replies?: string;
  /** Default `commerce.dlq`. */
  dlq?: string;
}

export interface ReactInput<C, E, S> {
  command: C;
  meta: CommandMeta;
  /** The events just decided, stamped (use their eventIds to derive follow-up commandIds deterministically). */
  events: StampedEvent<E>[];
  /** The aggregate's state after those events. */
  state: S;
}

export interface CommandProcessorOptions<C, E, S> {
  kafka: Kafka;
  /** Names the transactional ids (`<service>-<commandsTopic>-<partition>`) and, by default, the consumer group. */
  service: string;
  groupId?: string;
  decider: Decider<C, E, S>;
  serde: Serde;
  mapping: RecordMapping<C, E>;
  topics: CommandTopics;
  /** Pure: follow-up commands (or pre-encoded records) produced in the same transaction as the events. */
  react?: (input: ReactInput<C, E, S>) => OutgoingRecord[];
  /** Events per partition between snapshots (default 100). */
  snapshotEvery?: number;
  stateCodec?: StateCodec<S>;
  dedupeWindow?: number;
  logger?: Logger;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
  fencedBackoffMs?: number;
  /** Called after each partition rebuild (diagnostics, tests). */
  onRebuilt?: (info: RebuildInfo) => void;
}

export interface RebuildInfo {
  partition: number;
  aggregates: number;
  /** Aggregate snapshots loaded. */
  snapshots: number;
  /** Events-partition offset the replay started from (the checkpoint). */
  fromOffset: bigint;
  /** Events applied on top of the snapshots. */
  replayed: number;
  ms: number;
}

export interface CommandProcessor {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly fencings: number;
  /** Read-only view for tests and diagnostics: the entry an owned partition holds for an aggregate. */
  inspect(partition: number, aggregateId: string): { version: number; state: unknown } | undefined;
}

interface PartitionState<S> {
  aggregates: Map<string, AggregateEntry<S>>;
  /** Aggregates changed since the last checkpoint: the next snapshot must cover all of them. */
  dirty: Set<string>;
  eventsSinceSnapshot: number;
}

/** Key of the per-partition checkpoint record in the snapshots topic (NUL can't start an aggregate id). */
export const CHECKPOINT_KEY = '\u0000checkpoint';

export function transactionalIdFor(service: string, topic: string, partition: number): string {
  return `${service}-${topic}-${partition}`;
}

export function createCommandProcessor<C, E, S>(options: CommandProcessorOptions<C, E, S>): CommandProcessor {
  const { kafka, decider, serde, mapping, service } = options;
  const topics = {
    replies: 'commerce.command-replies',
    dlq: 'commerce.dlq',
    ...options.topics,
  };
  const logger = (options.logger ?? pino({ name: service })).child({ service, topic: topics.commands });
  const snapshotEvery = options.snapshotEvery ?? 100;
  const stateCodec = options.stateCodec ?? (jsonStateCodec as StateCodec<S>);
  const dedupeWindow = options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW;
  const partitions = new Map<number, PartitionState<S>>();
  const groupId = options.groupId ?? service;

  async function rebuild({ partition, heartbeat }: BatchContext): Promise<PartitionState<S>> {
    const started = Date.now();
    const admin = kafka.admin();
    await admin.connect();
    let snapshotRange: { low: bigint; end: bigint };
    let eventsRange: { low: bigint; end: bigint };
    try {
      snapshotRange = await partitionOffsets(admin, topics.snapshots, partition);
      eventsRange = await partitionOffsets(admin, topics.events, partition);
    } finally {
      await admin.disconnect();
    }
    const aggregates = new Map<string, AggregateEntry<S>>();
    let checkpoint = eventsRange.low;
    let snapshots = 0;
    await readPartitionRange(
      kafka,
      { topic: topics.snapshots, partition, from: snapshotRange.low, to: snapshotRange.end },
      (m) => {
        const k = m.key?.toString();
        if (k === undefined) return;
        if (m.value === null) {
          aggregates.delete(k);
          return;
        }
        const parsed = JSON.parse(m.value.toString()) as AggregateSnapshot | { checkpoint: string };
        if (k === CHECKPOINT_KEY) checkpoint = BigInt((parsed as { checkpoint: string }).checkpoint);
        else {
          aggregates.set(k, fromSnapshot(parsed as AggregateSnapshot, stateCodec));
          snapshots++;
        }
      },
      { keepAlive: heartbeat },
    );
    if (checkpoint < eventsRange.low) checkpoint = eventsRange.low;
    let replayed = 0;
    // Aggregates moved by tail events are not covered by any snapshot yet: the next checkpoint must include them.
    const dirty = new Set<string>();
    await readPartitionRange(
      kafka,
      { topic: topics.events, partition, from: checkpoint, to: eventsRange.end },
      async (m: KafkaMessage) => {
        if (m.value === null) return;
        try {
          const stamped = mapping.readEvent(await serde.decode(m.value));
          const id = stamped.meta.aggregateId;
          const before = aggregates.get(id)?.version ?? 0;
          const entry = applyStoredEvent(decider as Decider<unknown, E, S>, aggregates.get(id), stamped, dedupeWindow);
          aggregates.set(id, entry);
          if (entry.version !== before) {
            dirty.add(id);
            replayed++;
          }
        } catch (err) {
          throw new Error(`cannot rebuild from ${topics.events}/${partition}@${m.offset}: ${(err as Error).message}`, {
            cause: err,
          });
        }
      },
      { keepAlive: heartbeat },
    );
    const info: RebuildInfo = {
      partition,
      aggregates: aggregates.size,
      snapshots,
      fromOffset: checkpoint,
      replayed,
      ms: Date.now() - started,
    };
    logger.info({ ...info, fromOffset: checkpoint.toString() }, 'partition state rebuilt');
    options.onRebuilt?.(info);
    return { aggregates, dirty, eventsSinceSnapshot: replayed };
  }

  async function processBatch(batch: Batch, transaction: Transaction, ctx: BatchContext) {
    const ps = partitions.get(ctx.partition);
    if (!ps) throw new Error(`partition ${ctx.partition} has no state (not acquired)`);
    // Changes stay staged until the transaction commits; an abort leaves the partition state untouched.
    const staged = new Map<string, AggregateEntry<S>>();
    const out: { topic: string; message: Message }[] = [];
    const events: { topic: string; message: Message }[] = [];
    let newEvents = 0;
    const sourceOf = (m: KafkaMessage) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key,
      value: m.value,
      headers: m.headers,
    });

    for (const m of batch.messages) {
      let decoded: { command: C; meta: CommandMeta };
      try {
        if (m.value === null) throw new Error('record has no value');
        decoded = mapping.readCommand(await serde.decode(m.value));
      } catch (err) {
        logger.warn({ partition: batch.partition, offset: m.offset, err }, 'undecodable command sent to the DLQ');
        out.push(await deadLetterRecord(serde, topics.dlq, sourceOf(m), err, groupId));
        continue;
      }
      const { command, meta } = decoded;
      const entry = staged.get(meta.aggregateId) ?? ps.aggregates.get(meta.aggregateId);
      let outcome: ReturnType<typeof handleCommand<C, E, S>>;
      let follow: OutgoingRecord[] = [];
      try {
        outcome = handleCommand(decider, entry, command, meta, dedupeWindow);
        if (outcome.kind === 'accepted' && outcome.events.length > 0 && options.react) {
          follow = options.react({ command, meta, events: outcome.events, state: outcome.entry.state });
        }
      } catch (err) {
        // A decider or react hook that throws is a bug for this command, not for the stream: park it, move on.
        logger.error(
          { partition: batch.partition, offset: m.offset, aggregateId: meta.aggregateId, err },
          'command handler threw; sent to the DLQ',
        );
        out.push(await deadLetterRecord(serde, topics.dlq, sourceOf(m), err, groupId));
        continue;
      }
      if (outcome.kind === 'accepted' && outcome.events.length > 0) {
        staged.set(meta.aggregateId, outcome.entry);
        newEvents += outcome.events.length;
        for (const stamped of outcome.events) {
          const record = mapping.writeEvent(stamped);
          events.push({
            topic: topics.events,
            message: {
              key: meta.aggregateId,
              value: await serde.encode(topics.events, record.type, record.value),
              partition: ctx.partition,
            },
          });
        }
      }
      const reply = mapping.writeReply(outcome.reply);
      out.push({
        topic: topics.replies,
        message: { key: meta.correlationId, value: await serde.encode(topics.replies, reply.type, reply.value) },
      });
      for (const record of follow) out.push(await encodeOutgoing(serde, record));
    }

    // Events first, in their own request, so we learn the offset this transaction's events start at.
    const metadata = await sendGrouped(transaction, events);
    await sendGrouped(transaction, out);
    const snapshotNow = newEvents > 0 && ps.eventsSinceSnapshot + newEvents >= snapshotEvery;
    if (snapshotNow) {
      const base = metadata.find((r) => r.topicName === topics.events && r.partition === ctx.partition)?.baseOffset;
      if (base === undefined) throw new Error(`no produce offset for ${topics.events}/${ctx.partition}`);
      const snapshots: { topic: string; message: Message }[] = [];
      for (const id of new Set([...ps.dirty, ...staged.keys()])) {
        const entry = staged.get(id) ?? ps.aggregates.get(id);
        if (!entry) continue;
        const value = Buffer.from(JSON.stringify(toSnapshot(id, entry, stateCodec)));
        snapshots.push({ topic: topics.snapshots, message: { key: id, value, partition: ctx.partition } });
      }
      const checkpoint = Buffer.from(JSON.stringify({ checkpoint: base }));
      snapshots.push({
        topic: topics.snapshots,
        message: { key: CHECKPOINT_KEY, value: checkpoint, partition: ctx.partition },
      });
      await sendGrouped(transaction, snapshots);
    }

    return {
      committed() {
        for (const [id, entry] of staged) {
          ps.aggregates.set(id, entry);
          ps.dirty.add(id);
        }
        if (snapshotNow) {
          ps.dirty.clear();
          ps.eventsSinceSnapshot = 0;
        } else {
          ps.eventsSinceSnapshot += newEvents;
        }
      },
    };
  }

  const runtime = createTransactionalConsumer({
    kafka,
    logger,
    groupId,
    topics: [topics.commands],
    transactionalId: ({ topic, partition }) => transactionalIdFor(service, topic, partition),
    consumer: options.consumer,
    fencedBackoffMs: options.fencedBackoffMs,
    handler: {
      async acquire(ctx) {
        partitions.set(ctx.partition, await rebuild(ctx));
      },
      release({ partition }: TopicPartition) {
        partitions.delete(partition);
      },
      process: processBatch,
    },
  });

  return {
    start: () => runtime.start(),
    stop: () => runtime.stop(),
    get fencings() {
      return runtime.fencings;
    },
    inspect(partition, aggregateId) {
      const entry = partitions.get(partition)?.aggregates.get(aggregateId);
      return entry && { version: entry.version, state: entry.state };
    },
  };
}
