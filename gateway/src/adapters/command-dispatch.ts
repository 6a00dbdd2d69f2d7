/**
 * A command sent and its reply awaited, bounded: the wait is registered before the send (a fast reply cannot slip
 * past), and past `timeoutMs` the caller gets `pending` (the command is on Kafka and will be decided; the client
 * follows the order through its read model). Rejection codes of the deciders map to HTTP statuses here, once.
 */
import type { CommandReply } from '@streamshop/eventsourcing-kafka';
import type { CommandBus, OutgoingCommand } from './command-bus.ts';
import type { ReplyWaiter } from './reply-waiter.ts';

export type DispatchResult =
  | { outcome: 'accepted'; version: number | null; reply: CommandReply }
  | { outcome: 'rejected'; code: string; detail: string; reply: CommandReply }
  | { outcome: 'pending' };

export interface Dispatcher {
  dispatch(command: OutgoingCommand): Promise<DispatchResult>;
}

export function createDispatcher(options: {
  bus: CommandBus;
  replies: ReplyWaiter;
  timeoutMs: number;
  /** Seconds from send to reply (or timeout), by command and outcome. */
  observe?: (command: string, outcome: DispatchResult['outcome'], seconds: number) => void;
}): Dispatcher {
  const { bus, replies, timeoutMs } = options;
  return {
    async dispatch(command) {
      const started = process.hrtime.bigint();
      const wait = replies.expect(command.value.commandId, timeoutMs);
      try {
        await bus.send(command);
      } catch (err) {
        wait.cancel();
        throw err;
      }
      const reply = await wait.reply;
      const result: DispatchResult =
        reply === null
          ? { outcome: 'pending' }
          : reply.outcome === 'accepted'
            ? {
                outcome: 'accepted',
                version: reply.aggregateVersion === null ? null : Number(reply.aggregateVersion),
                reply,
              }
            : {
                outcome: 'rejected',
                code: reply.rejectionCode ?? 'rejected',
                detail: reply.rejectionDetail ?? 'the command was rejected',
                reply,
              };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.observe?.(command.type.slice(command.type.lastIndexOf('.') + 1), result.outcome, seconds);
      return result;
    },
  };
}

/** Rejections that say the input cannot be right, whatever the state (the client must change the request). */
const UNPROCESSABLE = new Set([
  'empty_order',
  'invalid_quantity',
  'currency_mismatch',
  'invalid_price',
  'invalid_amount',
  'unknown_sku',
  'product_unavailable',
  'duplicate_sku',
  'quantity_limit_exceeded',
  'reason_required',
  'line_not_found',
  'restock_without_lines',
]);

/**
 * HTTP status of a decider's rejection: invalid input → 422 (a refund naming a line the order does not have is the
 * request's fault, not a missing resource), not found → 404, anything else is a conflict with the state → 409.
 */
export function rejectionStatus(code: string): number {
  if (UNPROCESSABLE.has(code) || (code.startsWith('invalid_') && code !== 'invalid_transition')) return 422;
  if (code.endsWith('_not_found')) return 404;
  return 409;
}
