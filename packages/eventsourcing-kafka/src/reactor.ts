/**
 * The translator/reactor loop: consume one or more events topics, map each record with a pure function to the
 * records it causes (usually commands for another context, e.g. the order saga turning StockReserved into
 * RequestPayment), and produce them together with the consumer offsets in one transaction per batch, with a
 * transactional id per input partition. Undecodable records and mappings that throw go to the DLQ.
 */
import type { ConsumerConfig, Kafka, Message } from 'kafkajs';
import { type Logger, pino } from 'pino';
import { deadLetterRecord } from './dead-letter.ts';
import { encodeOutgoing, type OutgoingRecord, sendGrouped } from './outgoing.ts';
import type { DecodedRecord, Serde } from './serde.ts';
import { createTransactionalConsumer } from './transactional-consumer.ts';

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  headers: KafkaMessageHeaders;
}

type KafkaMessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export interface ReactorOptions {
  kafka: Kafka;
  /** Names the transactional ids (`<service>-<topic>-<partition>`) and, by default, the consumer group. */
  service: string;
  groupId?: string;
  topics: string[];
  serde: Serde;
  /** Pure mapping from one input record to the records it causes (`[]` to ignore it). */
  react(record: DecodedRecord, source: SourceRecord): OutgoingRecord[];
  /** Default `commerce.dlq`. */
  dlqTopic?: string;
  logger?: Logger;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
  fencedBackoffMs?: number;
}

export interface Reactor {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly fencings: number;
}

export function createReactor(options: ReactorOptions): Reactor {
  const { kafka, service, serde } = options;
  const dlqTopic = options.dlqTopic ?? 'commerce.dlq';
  const groupId = options.groupId ?? service;
  const logger = (options.logger ?? pino({ name: service })).child({ service, reactor: true });
  return createTransactionalConsumer({
    kafka,
    logger,
    groupId,
    topics: options.topics,
    transactionalId: ({ topic, partition }) => `${service}-${topic}-${partition}`,
    consumer: options.consumer,
    fencedBackoffMs: options.fencedBackoffMs,
    handler: {
      async process(batch, transaction) {
        const out: { topic: string; message: Message }[] = [];
        for (const m of batch.messages) {
          const source = {
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key,
            headers: (m.headers ?? {}) as KafkaMessageHeaders,
          };
          let records: OutgoingRecord[];
          try {
            if (m.value === null) throw new Error('record has no value');
            records = options.react(await serde.decode(m.value), source);
          } catch (err) {
            logger.warn(
              { topic: batch.topic, partition: batch.partition, offset: m.offset, err },
              'record sent to the DLQ',
            );
            out.push(await deadLetterRecord(serde, dlqTopic, { ...source, value: m.value }, err, groupId));
            continue;
          }
          for (const record of records) out.push(await encodeOutgoing(serde, record));
        }
        await sendGrouped(transaction, out);
        return { committed() {} };
      },
    },
  });
}
