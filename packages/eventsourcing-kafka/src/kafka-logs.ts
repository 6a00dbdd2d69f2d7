/**
 * Which of kafkajs' own log lines deserve an operator's attention. kafkajs logs every error answer from a broker at
 * ERROR, including the ones it (or our code) simply retries on a healthy cluster: no leader yet for a new topic's
 * partition, a coordinator still loading, a rebalance, or CONCURRENT_TRANSACTIONS while the coordinator finishes the
 * previous transaction of the same transactional id (every transaction right after a commit or an abort can meet
 * it). A healthy start printed a page of them, which teaches people to skim past ERROR. Those answers go to debug
 * and are counted by type, so a metric still shows a broker that keeps answering them; an answer that is not
 * retried, or retries that run out, surfaces as its own line (kafkajs' `Crash: …`, or the caller's error) and stays
 * at error.
 */
import { logLevel } from 'kafkajs';

/**
 * Broker answers retried on a healthy cluster, by Kafka protocol error code: the protocol's name (kafkajs still
 * uses older ones for some) and the message kafkajs logs them with, which is all its log line carries.
 */
const RETRIED_ANSWERS = {
  3: { type: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'This server does not host this topic-partition' },
  5: {
    type: 'LEADER_NOT_AVAILABLE',
    message: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
  },
  6: { type: 'NOT_LEADER_OR_FOLLOWER', message: 'This server is not the leader for that topic-partition' },
  14: {
    type: 'COORDINATOR_LOAD_IN_PROGRESS',
    message: "The coordinator is loading and hence can't process requests for this group",
  },
  15: { type: 'COORDINATOR_NOT_AVAILABLE', message: 'The group coordinator is not available' },
  16: { type: 'NOT_COORDINATOR', message: 'This is not the correct coordinator for this group' },
  27: { type: 'REBALANCE_IN_PROGRESS', message: 'The group is rebalancing, so a rejoin is needed' },
  51: {
    type: 'CONCURRENT_TRANSACTIONS',
    message:
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
  },
} as const;

/** Exposed for the test that holds this table to kafkajs' own error table. */
export const RETRIED_BROKER_ANSWERS: Readonly<Record<number, { type: string; message: string }>> = RETRIED_ANSWERS;

export type RetriedAnswerType = (typeof RETRIED_ANSWERS)[keyof typeof RETRIED_ANSWERS]['type'];

const TYPE_BY_MESSAGE = new Map<string, RetriedAnswerType>(
  Object.values(RETRIED_ANSWERS).map(({ type, message }) => [message, type]),
);

/**
 * kafkajs warns at every idempotent producer's start that bounded retries "may invalidate EoS guarantees". Ours do
 * not rest on endless retries: a send that exhausts them fails its transaction, which is aborted and redone (or the
 * process restarts and redoes it), and the broker's sequence numbers still drop duplicates within a producer epoch.
 * A warning on every start that asks for nothing would teach operators to skim past warnings; it goes to debug.
 */
const EXPECTED_WARNING = /^Limiting retries for the idempotent producer/;

/** kafkajs logs a producer's failed attempt as `Failed to send messages: <error message>` before it retries. */
const FAILED_SEND = 'Failed to send messages: ';

export type PinoLevel = 'error' | 'warn' | 'info' | 'debug';

export interface KafkaLogVerdict {
  level: PinoLevel;
  /** The retried broker answer this line reports, counted once per broker response (Connection's `Response …`). */
  counted?: RetriedAnswerType;
}

const LEVELS: Record<number, PinoLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The level a kafkajs log line is written at, and the retried answer it reports, if any. */
export function classifyKafkaLog(line: {
  level: number;
  namespace: string;
  message: string;
  error?: unknown;
}): KafkaLogVerdict {
  if (line.level === logLevel.WARN && EXPECTED_WARNING.test(line.message)) return { level: 'debug' };
  if (line.level === logLevel.ERROR || line.level === logLevel.WARN) {
    const answer =
      (typeof line.error === 'string' ? TYPE_BY_MESSAGE.get(line.error) : undefined) ??
      (line.message.startsWith(FAILED_SEND) ? TYPE_BY_MESSAGE.get(line.message.slice(FAILED_SEND.length)) : undefined);
    if (answer) {
      // The connection logs each broker response once; the consumer or producer retrying it may log it again.
      const perResponse = line.namespace === 'Connection' && line.message.startsWith('Response ');
      return perResponse ? { level: 'debug', counted: answer } : { level: 'debug' };
    }
  }
  return { level: LEVELS[line.level] ?? 'info' };
}

/**
 * Retried broker answers seen by the kafkajs clients given it, by type, since start. Plain counts, so this package
 * needs no metrics library: the gateway's `/metrics` exposes them as `streamshop_kafka_retried_answers_total`.
 */
export class RetriedBrokerAnswers {
  private readonly counts = new Map<RetriedAnswerType, number>();

  count(type: RetriedAnswerType): void {
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
  }

  entries(): [RetriedAnswerType, number][] {
    return [...this.counts];
  }
}
