/**
 * The loop the payment service's provider adapters share: a consumer group over payments.events (read_committed,
 * so only what the Payment decider really decided), one effect per event at a provider, and the commands that
 * record what the provider answered, sent to payments.commands.
 *
 * Delivery is at least once (offsets are committed after the effect), which the providers' idempotency keys make
 * safe. Transient failures (network, 429, 5xx) are retried with back-off while holding the partition, so effects
 * happen in the order they were decided; a provider's permanent refusal goes back to the effect to record or report.
 */
import type { ScheduledCommand } from '@streamshop/command-service';
import type { Runnable, Serde } from '@streamshop/eventsourcing-kafka';
import type { PaymentsEvent } from '@streamshop/schemas/types';
import { type ConsumerConfig, type Kafka, Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import { PaymentProviderError } from '../providers/index.ts';

export interface ProviderEffectsOptions {
  kafka: Kafka;
  groupId: string;
  eventsTopic: string;
  commandsTopic: string;
  serde: Serde;
  logger: Logger;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
  /** First back-off after a transient failure (doubles up to 30 s). */
  retryMs?: number;
}

export interface EffectTools {
  log: Logger;
  /** Sends a command (to payments.commands, keyed by the payment). */
  send(command: ScheduledCommand): Promise<void>;
  /** Calls the provider until it answers or refuses for good (a permanent PaymentProviderError is rethrown). */
  untilAnswered<T>(what: string, context: object, call: () => Promise<T>): Promise<T>;
}

export function createProviderEffects(
  options: ProviderEffectsOptions & {
    adapter: string;
    effect(event: PaymentsEvent, tools: EffectTools): Promise<void>;
  },
): Runnable {
  const { kafka, serde } = options;
  const log = options.logger.child({ adapter: options.adapter });
  const consumer = kafka.consumer({
    allowAutoTopicCreation: false,
    ...options.consumer,
    groupId: options.groupId,
    readUncommitted: false,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let stopping = false;

  const tools = (heartbeat: () => Promise<void>): EffectTools => ({
    log,
    async send(c) {
      await producer.send({
        topic: c.topic,
        messages: [{ key: c.key, value: await serde.encode(c.topic, c.type, c.value) }],
      });
    },
    async untilAnswered(what, context, call) {
      for (let delay = options.retryMs ?? 500; ; delay = Math.min(delay * 2, 30_000)) {
        try {
          return await call();
        } catch (err) {
          if (err instanceof PaymentProviderError && err.permanent) throw err;
          if (stopping) throw new Error(`stopping before ${what}`, { cause: err });
          log.warn({ ...context, err, retryInMs: delay }, `${what}: not yet; retrying`);
          await new Promise((resolve) => setTimeout(resolve, delay));
          await heartbeat();
        }
      }
    },
  });

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: options.eventsTopic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message, heartbeat }) => {
          if (message.value === null) return;
          const event = (await serde.decode(message.value)) as PaymentsEvent;
          await options.effect(event, tools(heartbeat));
        },
      });
    },
    async stop() {
      stopping = true;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
