/**
 * The gateway's command seam: every command route reads schema → build the command → `app.sendCommand` →
 * `app.answerCommand`. Sending waits (bounded) for the decider's reply; Kafka or the registry unreachable is a 503
 * problem. The answer is 202 (accepted, with the aggregate version once decided, or pending past the wait) or the
 * rejection as a problem+json whose status comes from its stable code (`rejectionStatus`, one table for all routes).
 *
 * Commands a signed-in caller asks for with an Idempotency-Key get their envelope origin from `app.requestOrigin`:
 * the command id derives from (caller, key, the request's fingerprint), so a retry is the same command, the key is
 * bound to that fingerprint (another body → 422 idempotency_key_reused), and the caller is the command's actorId.
 */
import { type CommandOrigin, deterministicId } from '@streamshop/eventsourcing-kafka';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import type { OutgoingCommand } from '../adapters/command-bus.ts';
import { type Dispatcher, type DispatchResult, rejectionStatus } from '../adapters/command-dispatch.ts';
import { type IdempotencyKeys, requestFingerprint } from '../adapters/idempotency-keys.ts';
import { principalOf } from './auth.ts';
import { HttpProblem } from './problem-json.ts';

/** What a 202 adds to the route's own body: whether the command was decided, and the aggregate version it made. */
export type CommandStatus = { status: 'accepted'; version?: number } | { status: 'pending' };

/** Route-specific problems for some rejection codes (e.g. order_already_exists on PlaceOrder is a reused key). */
export type RejectionProblems = Partial<Record<string, (detail: string) => HttpProblem>>;

export interface CommandAnswer<B extends object> {
  /** The 202 body's own fields (the id the client follows). */
  body: B;
  /** Where the client follows the result (the Location header), if anywhere. */
  location?: string;
  rejections?: RejectionProblems;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Sends a command and waits (bounded) for its reply; 503 problem when it cannot be sent. */
    sendCommand(command: OutgoingCommand): Promise<DispatchResult>;
    /** 202 with `answer.body` and the command's status, or the rejection as a problem (thrown). */
    answerCommand<B extends object>(
      reply: FastifyReply,
      result: DispatchResult,
      answer: CommandAnswer<B>,
    ): B & CommandStatus;
    /**
     * The envelope origin of a command a signed-in caller asked for with a required Idempotency-Key (the route's
     * header schema requires it): command id from (`name`, caller, key, request fingerprint), actorId the caller.
     */
    requestOrigin(
      request: FastifyRequest,
      target: { name: string; aggregateId: string; correlationId?: string },
    ): Promise<CommandOrigin>;
  }
}

/** 422 `idempotency_key_reused`: the key was first used for another request (as Stripe answers it). */
export function idempotencyKeyReused(what = 'request'): HttpProblem {
  return new HttpProblem(
    422,
    'idempotency_key_reused',
    'this Idempotency-Key was already used with a different request body: ' +
      `retry with the original body, or use a new key for a new ${what}`,
  );
}

async function commands(
  app: FastifyInstance,
  options: { dispatcher: Dispatcher; idempotencyKeys: IdempotencyKeys; logger: Logger },
) {
  const { dispatcher, idempotencyKeys, logger } = options;
  const unavailable = () =>
    new HttpProblem(503, 'commands_unavailable', 'commands cannot be accepted right now; retry shortly', {
      headers: { 'retry-after': '5' },
    });

  app.decorate('sendCommand', async (command: OutgoingCommand) => {
    try {
      return await dispatcher.dispatch(command);
    } catch (err) {
      logger.error({ err, command: command.type, commandId: command.value.commandId }, 'command not sent');
      throw unavailable();
    }
  });

  app.decorate(
    'answerCommand',
    <B extends object>(reply: FastifyReply, result: DispatchResult, answer: CommandAnswer<B>): B & CommandStatus => {
      if (result.outcome === 'rejected') {
        const routeProblem = answer.rejections?.[result.code];
        if (routeProblem) throw routeProblem(result.detail);
        throw new HttpProblem(rejectionStatus(result.code), result.code, result.detail);
      }
      reply.code(202);
      if (answer.location) reply.header('location', answer.location);
      if (result.outcome === 'pending') return { ...answer.body, status: 'pending' as const };
      return {
        ...answer.body,
        status: 'accepted' as const,
        ...(result.version === null ? {} : { version: result.version }),
      };
    },
  );

  app.decorate(
    'requestOrigin',
    async (request: FastifyRequest, target: { name: string; aggregateId: string; correlationId?: string }) => {
      const principal = principalOf(request);
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        // The route's header schema should have refused this already; never derive an id from a missing key.
        throw new HttpProblem(400, 'idempotency_key_required', 'this request needs an Idempotency-Key header');
      }
      const fingerprint = requestFingerprint({
        method: request.method,
        route: request.routeOptions.url ?? request.url,
        params: request.params,
        body: request.body,
      });
      let bound: boolean;
      try {
        bound = await idempotencyKeys.bind(principal.id, key, fingerprint);
      } catch (err) {
        logger.error({ err, command: target.name }, 'idempotency key not bound');
        throw unavailable();
      }
      if (!bound) throw idempotencyKeyReused();
      return {
        commandId: deterministicId(target.name, principal.id, key, fingerprint),
        aggregateId: target.aggregateId,
        issuedAt: Date.now(),
        ...(target.correlationId === undefined ? {} : { correlationId: target.correlationId }),
        idempotencyKey: key,
        actorId: principal.id,
      };
    },
  );
}

export const commandsPlugin = fp(commands, { name: 'commands', dependencies: ['auth'] });
