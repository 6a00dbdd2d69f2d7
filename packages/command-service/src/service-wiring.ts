/**
 * What each service's `main.ts` needs before it can wire its runtimes: a logger, a Kafka client, the Avro serde,
 * and names. Every name takes the prefix (tests): topics via the catalog, and the service name, which the runtime
 * uses for consumer groups and transactional ids, so two runs with different prefixes never meet.
 */
import type { Config } from '@streamshop/config';
import {
  type CommandTopics,
  createKafka,
  type RecordMapping,
  type Runnable,
  typedRecordMapping,
} from '@streamshop/eventsourcing-kafka';
import { AvroSerde, type Context, recordNames } from '@streamshop/schemas';
import { type TopicName, topicName } from '@streamshop/schemas/topics';
import type { ConsumerConfig } from 'kafkajs';
import { type Logger, pino } from 'pino';
import { avroRuntimeSerde } from './avro-runtime-serde.ts';

export interface ServiceOptions {
  /** Topic prefix (tests, isolated environments); also prefixes consumer groups and transactional ids. */
  prefix?: string;
  logger?: Logger;
  /** Consumer settings for every group the service runs (tests make the timeouts small). */
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
  /** How long a fenced partition stays paused (default: the runtime's). */
  fencedBackoffMs?: number;
}

export type ServiceWiring = ReturnType<typeof serviceWiring>;

export function serviceWiring(config: Config, name: string, options: ServiceOptions = {}) {
  const prefix = options.prefix ?? '';
  const logger = options.logger?.child({ service: name }) ?? pino({ name, level: config.logLevel });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-${name}` }, logger);
  const avro = new AvroSerde({ registryUrl: config.registry.url, prefix });
  const topic = (t: TopicName) => topicName(t, prefix);
  return {
    config,
    logger,
    kafka,
    avro,
    serde: avroRuntimeSerde(avro),
    /** Our deciders' record shape (`{ type: <full record name>, value }`), replies as CommandReply. */
    mapping: <C extends { type: string; value: object }, E extends { type: string; value: object }>(): RecordMapping<
      C,
      E
    > => typedRecordMapping<C, E>({ replyType: recordNames.reply }),
    /** `<prefix>.<name>`: the runtime names consumer groups and transactional ids after it. */
    service: prefix ? `${prefix.replace(/\.+$/, '')}.${name}` : name,
    topic,
    contextTopics: (context: Context): CommandTopics => ({
      commands: topic(`${context}.commands`),
      events: topic(`${context}.events`),
      snapshots: topic(`${context}.snapshots`),
      replies: topic('commerce.command-replies'),
      dlq: topic('commerce.dlq'),
    }),
    runtime: {
      kafka,
      logger,
      ...(options.consumer ? { consumer: options.consumer } : {}),
      ...(options.fencedBackoffMs === undefined ? {} : { fencedBackoffMs: options.fencedBackoffMs }),
    },
  };
}

/**
 * Several runnables as one: started in order (a failed start stops what had started), stopped all at once. Each
 * stop waits for its consumer's in-flight fetch (up to the broker's max wait) and commits on its own, so stopping
 * them one after another only adds those waits up.
 */
export function allOf(runnables: Runnable[]): Runnable {
  const started: Runnable[] = [];
  const stop = async () => {
    const results = await Promise.allSettled(started.splice(0).map((r) => r.stop()));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} runtime(s) failed to stop`);
  };
  return {
    async start() {
      for (const r of runnables) {
        try {
          await r.start();
        } catch (err) {
          await stop().catch(() => {});
          throw err;
        }
        started.push(r);
      }
    },
    stop,
  };
}
