/**
 * Kafka building blocks the runtimes (and tests, and topic-level code) share: the per-partition transactional
 * producer, recognising a fenced producer, a topic's offsets, and reading one partition up to an offset.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import {
  type Admin,
  type ISocketFactory,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import { classifyKafkaLog, type RetriedBrokerAnswers } from './kafka-logs.ts';

/**
 * How long a client trusts the broker it found coordinating a group or a transactional id. kafkajs asks the cluster
 * (a FindCoordinator round trip) every time it needs one: before AddPartitionsToTxn, AddOffsetsToTxn, the
 * TxnOffsetCommit and EndTxn, so four of a transaction's nine round trips were lookups of an answer that changes
 * only when a broker fails (measured with kafkajs' request events at 20 orders/s: 1,510 FindCoordinator requests
 * for 350 transactions in 3 s). Cached per client for this long, and dropped when a metadata refresh no longer
 * lists its broker; a coordinator that moved to another live broker is found again within this bound, while
 * kafkajs' retries keep trying (issue 13's broker failover will show how long that is).
 */
export const COORDINATOR_CACHE_MS = 10_000;

interface CoordinatorLookups {
  findGroupCoordinatorMetadata(args: { groupId: string; coordinatorType?: number }): Promise<unknown>;
  refreshMetadata(...args: unknown[]): Promise<unknown>;
  brokerPool?: { metadata?: { brokers?: { nodeId: number }[] } };
  streamshopCoordinators?: Map<string, { metadata: unknown; until: number }>;
}

/** Patches kafkajs' Cluster (once per process) so coordinator lookups are cached; see COORDINATOR_CACHE_MS. */
function cacheCoordinatorLookups(): void {
  // kafkajs has no exports map and no hook for this; its Cluster class is the one seam every client goes through.
  const Cluster = createRequire(import.meta.url)('kafkajs/src/cluster/index.js') as {
    prototype: CoordinatorLookups & { streamshopCached?: boolean };
  };
  const proto = Cluster.prototype;
  if (proto.streamshopCached) return;
  proto.streamshopCached = true;
  const lookup = proto.findGroupCoordinatorMetadata;
  const keyOf = (args: { groupId: string; coordinatorType?: number }) => `${args.coordinatorType ?? 0}:${args.groupId}`;
  proto.findGroupCoordinatorMetadata = async function (this: CoordinatorLookups, args) {
    this.streamshopCoordinators ??= new Map();
    const hit = this.streamshopCoordinators.get(keyOf(args));
    if (hit && hit.until > Date.now()) return hit.metadata;
    const metadata = await lookup.call(this, args);
    this.streamshopCoordinators.set(keyOf(args), { metadata, until: Date.now() + COORDINATOR_CACHE_MS });
    return metadata;
  };
  // kafkajs refreshes the cluster's metadata when a broker it was pointed to is not there, and after any retriable
  // answer to a send (CONCURRENT_TRANSACTIONS among them, most back-to-back transactions): a cached coordinator
  // whose broker the fresh metadata no longer lists is dropped, so the retry asks the cluster again.
  const refresh = proto.refreshMetadata;
  proto.refreshMetadata = async function (this: CoordinatorLookups, ...args: unknown[]) {
    const answer = await refresh.apply(this, args);
    const listed = this.brokerPool?.metadata?.brokers?.map((b) => b.nodeId);
    for (const [key, { metadata }] of this.streamshopCoordinators ?? []) {
      const nodeId = (metadata as { coordinator?: { nodeId?: number } }).coordinator?.nodeId;
      if (!listed || nodeId === undefined || !listed.includes(nodeId)) this.streamshopCoordinators?.delete(key);
    }
    return answer;
  };
}
cacheCoordinatorLookups();

/**
 * kafkajs' own socket factory with Nagle's algorithm off, as the Java client and the broker have it (TCP_NODELAY).
 * kafkajs pipelines requests on one connection per broker and never calls `setNoDelay`, so a small request written
 * while an earlier one is unacknowledged may wait for the peer's delayed ACK. On this project's benchmarks it made
 * no difference measurable through the noise (docs/performance.md); it removes a wait that has no reason to exist.
 */
const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port, noDelay: true }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/**
 * A kafkajs client whose own logs go through our pino logger (warnings and up), at the level `classifyKafkaLog`
 * gives them: the broker answers kafkajs retries by itself go to debug, counted in `retriedAnswers` when given.
 */
export function createKafka(
  options: { brokers: string[]; clientId: string; retriedAnswers?: RetriedBrokerAnswers },
  logger: Logger,
): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 100 },
    socketFactory: noDelaySocketFactory,
    logCreator:
      () =>
      ({ level, namespace, log }) => {
        const { message, ...extra } = log;
        const verdict = classifyKafkaLog({ level, namespace, message, error: extra.error });
        if (verdict.counted) options.retriedAnswers?.count(verdict.counted);
        logger[verdict.level]({ kafkajs: namespace, ...extra }, message);
      },
  });
}

/**
 * How a transactional producer retries a send. The broker answers CONCURRENT_TRANSACTIONS to the first send of a
 * transaction while the previous one's commit markers are still being written (a few ms); kafkajs retries that
 * with the client's backoff, and at 100 ms every back-to-back transaction waited ~100 ms for nothing (most of
 * command → visible latency at low load). The Java client retries that case after 20 ms (KAFKA-5477); so do we,
 * doubling to at most 1 s. Retries stay unlimited, as kafkajs requires of an idempotent producer.
 */
export const TRANSACTIONAL_SEND_RETRY = {
  initialRetryTime: 20,
  maxRetryTime: 1_000,
  retries: Number.MAX_SAFE_INTEGER,
} as const;

/**
 * Runs `operation` (a step of an open transaction) again while the coordinator answers CONCURRENT_TRANSACTIONS,
 * with `TRANSACTIONAL_SEND_RETRY`'s backoff. kafkajs retries that answer for sends (AddPartitionsToTxn inside its
 * retrier) but not for `sendOffsets`: its AddOffsetsToTxn goes out once. A transaction whose first step is the
 * offsets (a batch that produced no records: a reactor ignoring an event, a duplicate command) meets it every time
 * it follows a commit within a few ms, and without this the batch failed, its partition's state was dropped and
 * rebuilt, and the batch was retried: seconds of latency at 20 orders/s, from an answer that means "try again".
 * The transaction stays open and usable after that answer (nothing changed on the broker), so retrying is safe.
 */
export async function retryConcurrentTransactions<T>(operation: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let wait: number = TRANSACTIONAL_SEND_RETRY.initialRetryTime; ; ) {
    try {
      return await operation();
    } catch (err) {
      if ((err as { type?: unknown }).type !== 'CONCURRENT_TRANSACTIONS' || Date.now() + wait > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, TRANSACTIONAL_SEND_RETRY.maxRetryTime);
    }
  }
}

/**
 * A transactional producer, already registered with the transaction coordinator under `transactionalId`.
 * kafkajs only sends InitProducerId for a transactional id when the first transaction starts, so we start and
 * abort an empty one here: that bumps the epoch, which fences any older producer with the same id and makes the
 * coordinator abort (or finish committing) its open transaction. Callers rely on this ordering: once this
 * returns, nothing from a previous owner is in flight, so a read_committed rebuild sees every committed record.
 */
export async function createTransactionalProducer(
  kafka: Kafka,
  transactionalId: string,
  options: { transactionTimeout?: number } = {},
): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Murmur2, Java-compatible: the same key lands on the same partition whoever produces it.
    createPartitioner: Partitioners.DefaultPartitioner,
    transactionTimeout: options.transactionTimeout ?? 60_000,
    retry: TRANSACTIONAL_SEND_RETRY,
  });
  await producer.connect();
  try {
    const fence = await producer.transaction();
    await fence.abort();
  } catch (err) {
    await producer.disconnect().catch(() => {});
    throw err;
  }
  return producer;
}

const FENCING_TYPES = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_ID_MAPPING',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** True when the error (or anything it wraps) says a newer producer with our transactional id took over. */
export function isFencingError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const x = e as { type?: unknown; code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof x.type === 'string' && FENCING_TYPES.has(x.type)) return true;
    if (x.code === 90 || x.code === 47) return true;
    if (typeof x.message === 'string' && /fenced|producer epoch|invalid producer epoch/i.test(x.message)) return true;
    e = x.originalError ?? x.cause;
  }
  return false;
}

/**
 * `admin.fetchTopicOffsets`, retried through the errors a leader change answers with. kafkajs retries that call
 * only on UNKNOWN_TOPIC_OR_PARTITION and gives up at once on NOT_LEADER_OR_FOLLOWER, which a KRaft broker still
 * answers for a moment after its metadata names it the leader of a new topic's partition (seen in CI right after
 * `ensureTopics`), and which any broker answers while leadership moves.
 */
export async function topicOffsets(
  admin: Admin,
  topic: string,
  options: { timeoutMs?: number } = {},
): Promise<Awaited<ReturnType<Admin['fetchTopicOffsets']>>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let wait = 100; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      const retriable = (err as { retriable?: unknown }).retriable === true;
      if (!retriable || Date.now() + wait > deadline) {
        throw new Error(`could not read the offsets of ${topic}: ${(err as Error).message}`, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      // A fresh look at who leads the partitions before the next try.
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => {});
    }
  }
}

/** Committed (read_committed) start and end offsets of one partition. */
export async function partitionOffsets(
  admin: Admin,
  topic: string,
  partition: number,
): Promise<{ low: bigint; end: bigint }> {
  const offsets = await topicOffsets(admin, topic);
  const p = offsets.find((o) => o.partition === partition);
  if (!p) throw new Error(`${topic} has no partition ${partition}`);
  return { low: BigInt(p.low), end: BigInt(p.offset) };
}

/**
 * Reads `topic`/`partition` from `from` (inclusive) to `to` (exclusive), read_committed, calling `onMessage` in
 * order. kafkajs cannot assign partitions by hand, so this joins a throwaway consumer group (unique id, never
 * commits, so the coordinator drops it when we leave) and seeks. Progress counts control records too (a
 * transaction's commit marker is the partition's last offset more often than not).
 */
export async function readPartitionRange(
  kafka: Kafka,
  range: { topic: string; partition: number; from: bigint; to: bigint },
  onMessage: (message: KafkaMessage) => void | Promise<void>,
  options: { keepAlive?: () => Promise<void>; groupIdPrefix?: string } = {},
): Promise<void> {
  const { topic, partition, from, to } = range;
  if (from >= to) return;
  const consumer = kafka.consumer({
    groupId: `${options.groupIdPrefix ?? 'streamshop-reader'}-${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 250,
  });
  let resolveDone!: () => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let finished = false;
  const progress = (partitionSeen: number, lastOffset: string | null) => {
    if (!finished && partitionSeen === partition && lastOffset !== null && BigInt(lastOffset) >= to - 1n) {
      finished = true;
      resolveDone();
    }
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => progress(payload.partition, payload.lastOffset));
  consumer.on(consumer.events.CRASH, ({ payload }) => rejectDone(payload.error));
  const keepAlive = options.keepAlive ? setInterval(() => options.keepAlive?.().catch(rejectDone), 1_000) : undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition || finished) return;
        try {
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset >= from && offset < to) await onMessage(message);
          }
        } catch (err) {
          finished = true;
          rejectDone(err);
          return;
        }
        progress(batch.partition, batch.lastOffset());
      },
    });
    consumer.seek({ topic, partition, offset: from.toString() });
    await done;
  } finally {
    if (keepAlive) clearInterval(keepAlive);
    await consumer.disconnect().catch(() => {});
  }
}
