/**
 * Sends commands to their context's `.commands` topic as Avro (Confluent wire format), keyed by aggregate id so a
 * command lands on the partition of its aggregate's single writer. The producer is idempotent with acks=all: a send
 * resolves only once every in-sync replica has the record, which is what lets a webhook answer 2xx ("durably on
 * Kafka") and lets a retried send never write the record twice. Verified webhooks go to the inbox
 * (commerce.webhooks) through the same producer, before the command they became (see routes/webhooks.routes.ts).
 */
import type { AvroSerde, Context, RecordName, RecordTypes } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { WebhookReceived } from '@streamshop/schemas/types';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';

/** Commands the gateway sends: a catalog, inventory, orders, payments or users command record and its value (envelope included). */
export type GatewayCommandName = Extract<
  RecordName,
  `streamshop.${'catalog' | 'inventory' | 'orders' | 'payments' | 'users'}.${string}`
>;

export interface OutgoingCommand<N extends GatewayCommandName = GatewayCommandName> {
  type: N;
  value: RecordTypes[N] & { aggregateId: string; commandId: string };
}

export interface CommandBus {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the record is acknowledged by all in-sync replicas. */
  send(command: OutgoingCommand): Promise<void>;
  /** Keeps a verified webhook in the inbox (commerce.webhooks); resolves when all in-sync replicas have it. */
  recordWebhook(received: WebhookReceived): Promise<void>;
  /** Round trip to the cluster, for /ready. */
  ping(): Promise<void>;
}

export function createCommandBus(options: { kafka: Kafka; serde: AvroSerde; prefix: string }): CommandBus {
  const { kafka, serde, prefix } = options;
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin = kafka.admin();
  return {
    async start() {
      await producer.connect();
      await admin.connect();
    },
    async stop() {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    },
    async send({ type, value }) {
      const context = type.split('.')[1] as Context;
      const logical = `${context}.commands` as const;
      const bytes = await serde.encode(logical, type as never, value as never);
      await producer.send({
        topic: topicName(logical, prefix),
        acks: -1,
        messages: [{ key: value.aggregateId, value: bytes, headers: { 'streamshop-command': type } }],
      });
    },
    async recordWebhook(received) {
      const bytes = await serde.encode('commerce.webhooks', 'streamshop.commerce.WebhookReceived', received);
      await producer.send({
        topic: topicName('commerce.webhooks', prefix),
        acks: -1,
        messages: [
          { key: received.providerEventId, value: bytes, headers: { 'streamshop-webhook': received.provider } },
        ],
      });
    },
    async ping() {
      await admin.describeCluster();
    },
  };
}
