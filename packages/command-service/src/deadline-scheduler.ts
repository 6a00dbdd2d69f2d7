/**
 * Timers for pure deciders. A decider reads no clock, so a deadline (an order's payment deadline, a stock
 * reservation's expiry) is enforced by a command sent when it is due, issued at "now"; the decider rejects it or
 * no-ops if the deadline has not come or the thing is already settled. This scheduler finds what is due.
 *
 * Where it learns of deadlines: its own consumer group on the context's events topic, folding each partition into
 * a `DeadlineIndex` (set on e.g. OrderPaymentRequested, cleared on OrderPaid/OrderCancelled). We chose this over
 * asking the command processor, whose state can only be inspected per aggregate id (nothing to enumerate), and over
 * a hook inside the runtime's transaction loop, which would tie timers to command processing: an events reader
 * needs no runtime change, sees only committed events (read_committed), and Kafka spreads its partitions over the
 * instances like any consumer group. It never commits offsets, so whichever instance gets a partition rebuilds that
 * partition's deadlines by reading it from the start; folding is idempotent, so a re-read changes nothing.
 * The price is a full read of the events topic at start (fine at our sizes; a snapshot of open deadlines later).
 *
 * Sending is at least once: a deadline is fired again after `retryAfterMs` until its settling event arrives.
 * Senders give each command a deterministic commandId, so a repeat the decider already applied is deduplicated.
 */
import type { DecodedRecord, Runnable, Serde } from '@streamshop/eventsourcing-kafka';
import { type ConsumerConfig, type Kafka, type Message, Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import { type Deadline, type DeadlineChange, DeadlineIndex } from './deadline-index.ts';

/** A command to send: encoded with the serde as `type` on `topic`, keyed by `key` (its aggregate id). */
export interface ScheduledCommand {
  topic: string;
  key: string;
  type: string;
  value: unknown;
}

export interface DeadlineSchedulerOptions<T> {
  kafka: Kafka;
  /** Consumer group of this scheduler; one per service. */
  groupId: string;
  eventsTopic: string;
  serde: Serde;
  /** Pure: what one event does to the pending deadlines (undefined: nothing). */
  track(record: DecodedRecord): DeadlineChange<T> | undefined;
  /** Pure: the commands that enforce a due deadline, issued at `now`. */
  commandsFor(deadline: Deadline<T>, now: number): ScheduledCommand[];
  /** How often to look for due deadlines. */
  intervalMs: number;
  /** How long a fired deadline waits for its settling event before it is fired again (default max(30 s, 10 ticks)). */
  retryAfterMs?: number;
  now?: () => number;
  logger: Logger;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
}

export function createDeadlineScheduler<T>(options: DeadlineSchedulerOptions<T>): Runnable {
  const { kafka, serde, logger, intervalMs } = options;
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? Math.max(30_000, 10 * intervalMs);
  const log = logger.child({ scheduler: options.groupId, topic: options.eventsTopic });
  const index = new DeadlineIndex<T>();
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
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    index.retain(new Set(payload.memberAssignment[options.eventsTopic] ?? []));
  });

  async function tick() {
    const at = now();
    const due = index.takeDue(at, retryAfterMs);
    if (due.length === 0) return;
    const messages: { topic: string; message: Message }[] = [];
    for (const deadline of due) {
      for (const c of options.commandsFor(deadline, at)) {
        messages.push({ topic: c.topic, message: { key: c.key, value: await serde.encode(c.topic, c.type, c.value) } });
      }
    }
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of messages) byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) });
    log.info({ due: due.map((d) => d.key), commands: messages.length }, 'deadlines due: enforcing commands sent');
  }

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: options.eventsTopic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (message.value === null) return;
          let change: DeadlineChange<T> | undefined;
          try {
            change = options.track(await serde.decode(message.value));
          } catch (err) {
            // The command processor owns this topic's data; a record we cannot read is not ours to park.
            log.warn({ partition, offset: message.offset, err }, 'event not readable; no deadline taken from it');
            return;
          }
          if (change) index.apply(partition, change);
        },
      });
      timer = setInterval(() => {
        if (ticking) return; // the previous tick is still sending
        ticking = tick()
          .catch((err) => log.error({ err }, 'deadline tick failed; retrying next tick'))
          .finally(() => {
            ticking = undefined;
          });
      }, intervalMs);
    },
    async stop() {
      clearInterval(timer);
      await ticking;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
