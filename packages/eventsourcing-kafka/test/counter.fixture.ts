/**
 * A tiny bank-account-like counter decider and the wiring the integration tests share: topics under a namespace,
 * a processor factory, a command producer, and a read_committed collector of everything the runtime wrote.
 */
import { type Decider, reject } from '@streamshop/decider';
import { eventually, fastConsumer, testLogger as makeTestLogger, type Namespace } from '@streamshop/testkit';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { type CommandProcessorOptions, createCommandProcessor } from '../src/command-processor.ts';
import { type CommandReply, deterministicId, flatRecordMapping } from '../src/envelope.ts';
import { jsonTestSerde } from './json-test-serde.ts';

export type CounterCommand = { type: 'Deposit'; amount: number; issuedAt: string } & Record<string, unknown>;
export type CounterEvent = { type: 'Deposited'; amount: number };
export type CounterState = { balance: number };
export const LIMIT = 1_000_000;

export const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { balance: 0 },
  evolve: (s, e) => ({ balance: s.balance + e.amount }),
  decide: (c, s) => {
    if (c.amount <= 0) return reject('invalid_amount', `amount must be positive, got ${c.amount}`);
    if (s.balance + c.amount > LIMIT) return reject('limit_exceeded', `balance ${s.balance} + ${c.amount}`);
    return [{ type: 'Deposited', amount: c.amount }];
  },
};

export const mapping = flatRecordMapping<CounterCommand, CounterEvent>({
  eventNamespace: 'test.counter',
  replyType: 'test.CommandReply',
});

export const PARTITIONS = 2;

export async function counterTopics(ns: Namespace) {
  const [commands, events, snapshots, replies, dlq] = await ns.createTopics([
    { name: 'counter.commands', numPartitions: PARTITIONS },
    { name: 'counter.events', numPartitions: PARTITIONS },
    {
      name: 'counter.snapshots',
      numPartitions: PARTITIONS,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    { name: 'commerce.command-replies', numPartitions: 1 },
    { name: 'commerce.dlq', numPartitions: 1 },
  ]);
  return { commands: commands!, events: events!, snapshots: snapshots!, replies: replies!, dlq: dlq! };
}
export type Topics = Awaited<ReturnType<typeof counterTopics>>;

/** Small timeouts: a rebalance on a 2-core box should take seconds, not the defaults' tens of seconds. */
export { fastConsumer };

export const testLogger = makeTestLogger('warn');

export function counterProcessor(
  kafka: Kafka,
  ns: Pick<Namespace, 'id'>,
  topics: Topics,
  extra: Partial<CommandProcessorOptions<CounterCommand, CounterEvent, CounterState>> = {},
) {
  return createCommandProcessor({
    kafka,
    service: `${ns.id}-counter`,
    decider: counter,
    serde: jsonTestSerde,
    mapping,
    topics,
    snapshotEvery: 3,
    logger: testLogger,
    consumer: fastConsumer,
    fencedBackoffMs: 2_000,
    ...extra,
  });
}

export function depositCommand(account: string, amount: number, commandId = deterministicId('cmd', account, amount)) {
  return {
    commandId,
    aggregateId: account,
    correlationId: `corr-${commandId}`,
    issuedAt: '2025-01-01T00:00:00.000Z',
    causationId: null,
    idempotencyKey: null,
    amount,
  };
}

export async function sendCommands(producer: Producer, topic: string, commands: ReturnType<typeof depositCommand>[]) {
  await producer.send({
    topic,
    messages: commands.map((c) => ({ key: c.aggregateId, value: jsonTestSerde.encodeSync('test.counter.Deposit', c) })),
  });
}

export interface Collected {
  offset: string;
  partition: number;
  key: string | null;
  headers: Record<string, string>;
  type: string;
  value: Record<string, unknown>;
  raw: Buffer | null;
}

/** Everything a read_committed consumer sees on the given topics, appended as it arrives. */
export async function collect(kafka: Kafka, groupId: string, topics: string[]) {
  const seen = new Map<string, Collected[]>(topics.map((t) => [t, []]));
  const consumer: Consumer = kafka.consumer({ groupId, readUncommitted: false, ...fastConsumer });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      let decoded = { type: '?', value: {} as Record<string, unknown> };
      try {
        decoded = (await jsonTestSerde.decode(message.value ?? Buffer.alloc(0))) as typeof decoded;
      } catch {}
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      seen.get(topic)!.push({
        offset: message.offset,
        partition,
        key: message.key?.toString() ?? null,
        headers,
        type: decoded.type,
        value: decoded.value,
        raw: message.value,
      });
    },
  });
  return {
    of: (topic: string) => seen.get(topic)!,
    replies: (topic: string) => seen.get(topic)!.map((r) => r.value as unknown as CommandReply),
    stop: () => consumer.disconnect(),
  };
}

export { eventually };
