import { type Admin, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createKafka, retryConcurrentTransactions, topicOffsets } from './kafka-io.ts';
import { RetriedBrokerAnswers } from './kafka-logs.ts';

const notLeader = () =>
  // What kafkajs builds from the broker's error code 6 (its typings only admit the message).
  new KafkaJSProtocolError({
    type: 'NOT_LEADER_FOR_PARTITION',
    code: 6,
    retriable: true,
    message: 'This server is not the leader for that topic-partition',
  } as unknown as Error);

const OFFSETS = [{ partition: 0, offset: '7', high: '7', low: '0' }];

/** An admin whose fetchTopicOffsets answers from a script, one step per call; records every call. */
function scriptedAdmin(steps: (() => unknown)[]) {
  const calls: string[] = [];
  const admin = {
    fetchTopicOffsets: async (topic: string) => {
      calls.push(`offsets ${topic}`);
      return (steps.shift() ?? (() => OFFSETS))();
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      calls.push(`metadata ${topics.join(',')}`);
      return { topics: [] };
    },
  } as unknown as Admin;
  return { admin, calls };
}

describe('topicOffsets', () => {
  it('retries through NOT_LEADER_OR_FOLLOWER (which kafkajs gives up on), refreshing metadata between tries', async () => {
    const { admin, calls } = scriptedAdmin([
      () => {
        throw notLeader();
      },
      () => {
        throw notLeader();
      },
    ]);
    await expect(topicOffsets(admin, 'orders.events')).resolves.toEqual(OFFSETS);
    expect(calls).toEqual([
      'offsets orders.events',
      'metadata orders.events',
      'offsets orders.events',
      'metadata orders.events',
      'offsets orders.events',
    ]);
  });

  it('fails at once on an error that retrying cannot fix, naming the topic', async () => {
    const { admin, calls } = scriptedAdmin([
      () => {
        throw new KafkaJSNonRetriableError('Invalid topic');
      },
    ]);
    await expect(topicOffsets(admin, 'nope')).rejects.toThrow(/could not read the offsets of nope: Invalid topic/);
    expect(calls).toEqual(['offsets nope']);
  });

  it('gives up at its deadline with the last error', async () => {
    const { admin } = scriptedAdmin(
      Array.from({ length: 100 }, () => () => {
        throw notLeader();
      }),
    );
    await expect(topicOffsets(admin, 'orders.events', { timeoutMs: 300 })).rejects.toThrow(
      /could not read the offsets of orders.events: This server is not the leader/,
    );
  });
});

describe('createKafka logs', () => {
  /** kafkajs' own log calls through our logCreator, as pino lines (level name and message). */
  function logged(emit: (log: ReturnType<ReturnType<typeof createKafka>['logger']>) => void) {
    const lines: { level: string; msg: string }[] = [];
    const logger = pino(
      { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const retriedAnswers = new RetriedBrokerAnswers();
    emit(createKafka({ brokers: ['127.0.0.1:1'], clientId: 'log-test', retriedAnswers }, logger).logger());
    return {
      lines: lines.map(({ level, msg }) => ({ level, msg })),
      counts: Object.fromEntries(retriedAnswers.entries()),
    };
  }

  it('writes real errors and warnings as such, retried broker answers at debug, counted by type', () => {
    expect(
      logged((log) => {
        log.warn('Limiting retries for the idempotent producer may invalidate EoS guarantees');
        const connection = log.namespace('Connection');
        connection.error('Response ListOffsets(key: 2, version: 3)', {
          error: 'This server is not the leader for that topic-partition',
        });
        for (let i = 0; i < 2; i++) {
          connection.error('Response AddPartitionsToTxn(key: 24, version: 1)', {
            error:
              'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
          });
        }
        log.error('Connection error: connect ECONNREFUSED');
        log.warn('Producer failed to send');
      }),
    ).toEqual({
      lines: [
        { level: 'debug', msg: 'Limiting retries for the idempotent producer may invalidate EoS guarantees' },
        { level: 'debug', msg: 'Response ListOffsets(key: 2, version: 3)' },
        { level: 'debug', msg: 'Response AddPartitionsToTxn(key: 24, version: 1)' },
        { level: 'debug', msg: 'Response AddPartitionsToTxn(key: 24, version: 1)' },
        { level: 'error', msg: 'Connection error: connect ECONNREFUSED' },
        { level: 'warn', msg: 'Producer failed to send' },
      ],
      counts: { NOT_LEADER_OR_FOLLOWER: 1, CONCURRENT_TRANSACTIONS: 2 },
    });
  });
});

describe('retryConcurrentTransactions', () => {
  const concurrent = () =>
    new KafkaJSProtocolError({
      type: 'CONCURRENT_TRANSACTIONS',
      code: 51,
      retriable: true,
      message: 'The producer attempted to update a transaction while another concurrent operation was ongoing',
    } as unknown as Error);

  it('tries again while the coordinator answers CONCURRENT_TRANSACTIONS, then returns the answer', async () => {
    let calls = 0;
    const answer = await retryConcurrentTransactions(async () => {
      if (++calls < 3) throw concurrent();
      return 'sent';
    });
    expect({ answer, calls }).toEqual({ answer: 'sent', calls: 3 });
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    const fenced = new KafkaJSNonRetriableError('producer fenced');
    await expect(
      retryConcurrentTransactions(async () => {
        calls++;
        throw fenced;
      }),
    ).rejects.toBe(fenced);
    expect(calls).toBe(1);
  });

  it('gives up with the last answer once its deadline would pass', async () => {
    let calls = 0;
    await expect(
      retryConcurrentTransactions(async () => {
        calls++;
        throw concurrent();
      }, 50),
    ).rejects.toMatchObject({ type: 'CONCURRENT_TRANSACTIONS' });
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(6);
  });
});
