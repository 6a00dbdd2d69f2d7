/**
 * The consume → transform → produce loop both runtimes share: a consumer group where each assigned partition gets
 * its own transactional producer (`transactionalId(topic, partition)`), and each fetched batch becomes exactly one
 * Kafka transaction carrying the batch's output records and the consumer offset (`sendOffsets`). Either all of a
 * batch's effects and its offset commit, or none do, so a crash or rebalance at any instant neither loses nor
 * doubles anything.
 *
 * Why a transactional id per input partition: whoever processes partition p next initialises the same id, which
 * fences the previous owner (its next send/commit fails) and aborts its open transaction. A fenced instance drops
 * the partition's state, pauses it, and only picks it up again when the group reassigns it (or after a back-off,
 * in case the fencer was itself the stale one) — it never keeps writing and never crash-loops.
 *
 * Partitions may be processed side by side (`partitionsConsumedConcurrently`, default one at a time): each has its
 * own producer and transaction, so nothing is shared but the consumer. Two guards keep any setting exact, because
 * kafkajs may call us for a partition again before an earlier call returned (after an error restarts its fetch
 * loop, kafkajs issues 945 and 1053, whatever the concurrency): a partition's batches run one at a time here, and a
 * batch that starts before the offset our last commit for that partition moved to is not processed again; the
 * consumer seeks past it instead. Two batches of one partition in flight at once would otherwise meet as "There is
 * already an ongoing transaction", an error kafkajs does not retry: the consumer left its group for good.
 */
import type { Batch, ConsumerConfig, Kafka, Producer, Transaction } from 'kafkajs';
import type { Logger } from 'pino';
import { createTransactionalProducer, isFencingError, retryConcurrentTransactions } from './kafka-io.ts';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface BatchContext extends TopicPartition {
  /** Keeps the group membership alive during long work (e.g. a rebuild). Throws when a rebalance started. */
  heartbeat(): Promise<void>;
  producer: Producer;
}

export interface TransactionalBatchHandler {
  /** Before a partition's first batch, after its producer fenced the previous owner (rebuild state here). */
  acquire?(ctx: BatchContext): Promise<void>;
  /** The partition is no longer ours (revoked, fenced, or its transaction failed): drop its state. */
  release?(tp: TopicPartition): void;
  /** Sends the batch's output into `transaction`; `committed` runs only once the transaction has committed. */
  process(batch: Batch, transaction: Transaction, ctx: BatchContext): Promise<{ committed(): void }>;
}

export interface TransactionalConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  transactionalId(tp: TopicPartition): string;
  handler: TransactionalBatchHandler;
  logger: Logger;
  /** Session/rebalance timeouts etc.; tests make them small. */
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
  /** How long a fenced partition stays paused unless the group reassigns it first. */
  fencedBackoffMs?: number;
  /**
   * How many partitions' batches are processed at once (default 1). More did not lower command → visible latency
   * on a 2-core machine running the whole platform (docs/performance.md); it is here for instances with cores.
   */
  partitionsConsumedConcurrently?: number;
}

export interface TransactionalConsumer {
  start(): Promise<void>;
  /** Finishes the in-flight batch (its transaction commits), leaves the group, closes every producer. */
  stop(): Promise<void>;
  /** Partitions whose producer was fenced since start (for operators and tests). */
  readonly fencings: number;
}

const key = ({ topic, partition }: TopicPartition) => `${topic}:${partition}`;

export function createTransactionalConsumer(options: TransactionalConsumerOptions): TransactionalConsumer {
  const { kafka, groupId, handler, logger } = options;
  const consumer = kafka.consumer({
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    allowAutoTopicCreation: false,
    ...options.consumer,
    groupId,
    readUncommitted: false,
  });
  const producers = new Map<string, { tp: TopicPartition; producer: Producer }>();
  const fenced = new Map<string, NodeJS.Timeout>();
  /** The batch in flight per partition, so a second call for the same partition waits for it. */
  const inFlight = new Map<string, Promise<void>>();
  /** Per partition, the offset our last committed transaction moved the group to. */
  const committedUpTo = new Map<string, bigint>();
  let fencings = 0;
  let stopping = false;

  async function release(tp: TopicPartition) {
    const owned = producers.get(key(tp));
    producers.delete(key(tp));
    committedUpTo.delete(key(tp));
    handler.release?.(tp);
    if (owned) await owned.producer.disconnect().catch(() => {});
  }

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = new Set<string>();
    for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
      for (const partition of partitions) assigned.add(key({ topic, partition }));
    }
    for (const { tp } of [...producers.values()]) {
      if (!assigned.has(key(tp))) {
        logger.info({ ...tp }, 'partition revoked; dropping its state');
        void release(tp);
      }
    }
    // A fresh assignment is the group's word on who owns what: resume partitions we paused after a fencing.
    for (const [k, timer] of [...fenced]) {
      clearTimeout(timer);
      fenced.delete(k);
      const [topic, partition] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
      if (assigned.has(k)) consumer.resume([{ topic, partitions: [partition] }]);
    }
  });

  type EachBatch = NonNullable<Parameters<typeof consumer.run>[0]>['eachBatch'];
  type BatchPayload = Parameters<NonNullable<EachBatch>>[0];

  /** One partition's batch as one transaction (see the module comment); at most one per partition at a time. */
  async function processBatch({ batch, resolveOffset, heartbeat, pause, isStale }: BatchPayload): Promise<void> {
    const tp = { topic: batch.topic, partition: batch.partition };
    for (let earlier = inFlight.get(key(tp)); earlier; earlier = inFlight.get(key(tp))) await earlier;
    const done = processOwnedBatch();
    const settled = done.catch(() => {});
    inFlight.set(key(tp), settled);
    try {
      await done;
    } finally {
      inFlight.delete(key(tp));
    }

    async function processOwnedBatch(): Promise<void> {
      if (fenced.has(key(tp)) || isStale() || batch.isEmpty()) return;
      const upTo = committedUpTo.get(key(tp));
      if (upTo !== undefined && BigInt(batch.firstOffset() ?? '0') < upTo) {
        // Fetched before our last commit for this partition landed: already processed. Read on from there.
        logger.info({ ...tp, firstOffset: batch.firstOffset(), committedUpTo: String(upTo) }, 'skipping a stale batch');
        consumer.seek({ ...tp, offset: upTo.toString() });
        return;
      }
      let owned = producers.get(key(tp));
      if (!owned) {
        const producer = await createTransactionalProducer(kafka, options.transactionalId(tp));
        try {
          await handler.acquire?.({ ...tp, producer, heartbeat });
        } catch (err) {
          handler.release?.(tp);
          await producer.disconnect().catch(() => {});
          throw err;
        }
        owned = { tp, producer };
        producers.set(key(tp), owned);
      }
      const ctx: BatchContext = { ...tp, producer: owned.producer, heartbeat };
      const transaction = await owned.producer.transaction();
      try {
        const { committed } = await handler.process(batch, transaction, ctx);
        // lastOffset() includes trailing control records (commit markers), so the group never lags by one.
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await retryConcurrentTransactions(() =>
          transaction.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic: tp.topic, partitions: [{ partition: tp.partition, offset: next }] }],
          }),
        );
        await transaction.commit();
        committedUpTo.set(key(tp), BigInt(next));
        committed();
        resolveOffset(batch.lastOffset());
      } catch (err) {
        await transaction.abort().catch(() => {});
        await release(tp);
        const where = { ...tp, firstOffset: batch.firstOffset(), lastOffset: batch.lastOffset() };
        if (isFencingError(err)) {
          fencings++;
          logger.warn({ ...where, err }, 'producer fenced by a newer owner; pausing the partition');
          const resume = pause();
          fenced.set(
            key(tp),
            setTimeout(() => {
              fenced.delete(key(tp));
              resume();
            }, options.fencedBackoffMs ?? 30_000),
          );
          return;
        }
        logger.error({ ...where, err }, 'batch transaction failed; aborted, state dropped, batch will be retried');
        throw err;
      }
    }
  }

  async function run() {
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: processBatch,
    });
  }

  // kafkajs restarts a consumer by itself after a retriable error, and leaves it stopped (out of the group, its
  // partitions handed to others or to nobody) after any other. A service that silently stops consuming is worse
  // than one that retries: start it again after a pause, loudly.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || stopping) return;
    logger.error(
      { err: payload.error, groupId },
      'consumer stopped by an error kafkajs does not retry; restarting it in 1 s',
    );
    setTimeout(() => {
      if (stopping) return;
      consumer
        .connect()
        .then(run)
        .catch((err: unknown) => logger.error({ err, groupId }, 'could not restart the consumer'));
    }, 1_000).unref();
  });

  return {
    get fencings() {
      return fencings;
    },
    async start() {
      await consumer.connect();
      for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: true });
      await run();
    },
    async stop() {
      stopping = true;
      for (const timer of fenced.values()) clearTimeout(timer);
      fenced.clear();
      await consumer.disconnect();
      for (const { tp } of [...producers.values()]) await release(tp);
    },
  };
}
