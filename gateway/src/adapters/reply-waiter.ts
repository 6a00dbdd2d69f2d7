/**
 * Waits for command replies on `commerce.command-replies`. One consumer per gateway instance, in a group of its own
 * (a random id: every instance must see every reply, and none commits offsets), reading from the end of the topic.
 *
 * The start-up order matters: a reply produced before this consumer's starting offsets are fixed would be missed.
 * `start()` therefore returns only after the group was joined with every partition assigned AND the first fetch
 * completed (kafkajs resolves the "latest" offsets before it fetches). Callers register a wait BEFORE sending their
 * command, so a reply arriving fast is never lost either.
 */
import { randomUUID } from 'node:crypto';
import type { CommandReply } from '@streamshop/eventsourcing-kafka';
import type { AvroSerde } from '@streamshop/schemas';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export interface ReplyWaiter {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Registers interest in the reply to `commandId` now; `reply` resolves with it, or with `null` after `timeoutMs`.
   * Register before sending the command.
   */
  expect(commandId: string, timeoutMs: number): { reply: Promise<CommandReply | null>; cancel(): void };
  /** True once started and assigned every partition. */
  readonly ready: boolean;
}

export function createReplyWaiter(options: {
  kafka: Kafka;
  serde: AvroSerde;
  topic: string;
  /** Group id prefix (the namespace); a random suffix makes the group this instance's own. */
  groupPrefix: string;
  logger: Logger;
  startTimeoutMs?: number;
}): ReplyWaiter {
  const { kafka, serde, topic, logger } = options;
  const log = logger.child({ adapter: 'reply-waiter', topic });
  const waits = new Map<string, Set<(reply: CommandReply | null) => void>>();
  let consumer: Consumer | undefined;
  let ready = false;

  function deliver(reply: CommandReply) {
    const waiting = waits.get(reply.commandId);
    if (!waiting) return;
    waits.delete(reply.commandId);
    for (const resolve of waiting) resolve(reply);
  }

  return {
    get ready() {
      return ready;
    },
    async start() {
      const c = kafka.consumer({
        groupId: `${options.groupPrefix}gateway-replies-${randomUUID()}`,
        readUncommitted: false,
        allowAutoTopicCreation: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        maxWaitTimeInMs: 100,
      });
      consumer = c;
      let assigned = false;
      const joined = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`reply consumer on ${topic} not assigned within ${options.startTimeoutMs ?? 30_000}ms`)),
          options.startTimeoutMs ?? 30_000,
        );
        c.on(c.events.GROUP_JOIN, ({ payload }) => {
          assigned = (payload.memberAssignment[topic] ?? []).length > 0;
        });
        c.on(c.events.FETCH, () => {
          if (assigned) {
            clearTimeout(timer);
            resolve();
          }
        });
        c.on(c.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          reject(payload.error);
        });
      });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: false });
      await c.run({
        autoCommit: false,
        eachMessage: async ({ message, partition }) => {
          if (!message.value) return;
          try {
            const decoded = await serde.decode(message.value);
            deliver(decoded.value as unknown as CommandReply);
          } catch (err) {
            log.warn({ err, partition, offset: message.offset }, 'unreadable reply skipped');
          }
        },
      });
      await joined;
      ready = true;
      log.info('reply consumer assigned; commands may be sent');
    },
    async stop() {
      ready = false;
      for (const [, set] of waits) for (const resolve of set) resolve(null);
      waits.clear();
      await consumer?.disconnect();
    },
    expect(commandId, timeoutMs) {
      let resolveFn!: (reply: CommandReply | null) => void;
      const reply = new Promise<CommandReply | null>((resolve) => {
        resolveFn = resolve;
      });
      const settle = (r: CommandReply | null) => {
        clearTimeout(timer);
        resolveFn(r);
      };
      const set = waits.get(commandId) ?? new Set();
      set.add(settle);
      waits.set(commandId, set);
      const cancel = () => {
        const s = waits.get(commandId);
        s?.delete(settle);
        if (s && s.size === 0) waits.delete(commandId);
      };
      const timer = setTimeout(() => {
        cancel();
        resolveFn(null);
      }, timeoutMs);
      return {
        reply,
        cancel: () => {
          cancel();
          settle(null);
        },
      };
    },
  };
}
