import { createRequire } from 'node:module';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkaLog, RETRIED_BROKER_ANSWERS } from './kafka-logs.ts';

const response = (error: string, api = 'AddPartitionsToTxn(key: 24, version: 1)') => ({
  level: logLevel.ERROR,
  namespace: 'Connection',
  message: `Response ${api}`,
  error,
});

const CONCURRENT =
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
const NOT_LEADER = 'This server is not the leader for that topic-partition';
const REBALANCING = 'The group is rebalancing, so a rejoin is needed';

describe('classifyKafkaLog', () => {
  it('sends the broker answers kafkajs retries to debug and counts each response once, by type', () => {
    expect(classifyKafkaLog(response(CONCURRENT))).toEqual({ level: 'debug', counted: 'CONCURRENT_TRANSACTIONS' });
    expect(classifyKafkaLog(response(NOT_LEADER, 'ListOffsets(key: 2, version: 3)'))).toEqual({
      level: 'debug',
      counted: 'NOT_LEADER_OR_FOLLOWER',
    });
    expect(classifyKafkaLog(response(REBALANCING, 'Heartbeat(key: 12, version: 3)'))).toEqual({
      level: 'debug',
      counted: 'REBALANCE_IN_PROGRESS',
    });
  });

  it('sends the producer’s and consumer’s retries of those answers to debug without counting them again', () => {
    expect(
      classifyKafkaLog({
        level: logLevel.ERROR,
        namespace: 'Producer',
        message: `Failed to send messages: ${NOT_LEADER}`,
      }),
    ).toEqual({ level: 'debug' });
    expect(
      classifyKafkaLog({
        level: logLevel.WARN,
        namespace: 'Runner',
        message: 'The group is rebalancing, re-joining',
        error: REBALANCING,
      }),
    ).toEqual({ level: 'debug' });
  });

  it('keeps at error the answers nobody retries and the retries that ran out', () => {
    expect(
      classifyKafkaLog(
        response(
          'The producer has been rejected from the broker because it tried to use an old epoch with the transactionalId',
        ),
      ),
    ).toEqual({ level: 'error' });
    expect(
      classifyKafkaLog({
        level: logLevel.ERROR,
        namespace: 'Consumer',
        message: `Crash: KafkaJSNumberOfRetriesExceeded: ${NOT_LEADER}`,
      }),
    ).toEqual({ level: 'error' });
    expect(
      classifyKafkaLog({
        level: logLevel.ERROR,
        namespace: 'Connection',
        message: 'Connection error: connect ECONNREFUSED',
      }),
    ).toEqual({ level: 'error' });
  });

  it('keeps real warnings and sends the idempotent producer’s retries notice to debug', () => {
    expect(
      classifyKafkaLog({ level: logLevel.WARN, namespace: 'Producer', message: 'Producer failed to send' }),
    ).toEqual({ level: 'warn' });
    expect(
      classifyKafkaLog({
        level: logLevel.WARN,
        namespace: 'Producer',
        message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees',
      }),
    ).toEqual({ level: 'debug' });
  });

  it('knows each answer by the message kafkajs itself gives that error code', () => {
    // kafkajs' error table is internal (no export), so a kafkajs upgrade that rewords one shows here.
    const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
      errorCodes: { code: number; message: string }[];
    };
    for (const [code, { message }] of Object.entries(RETRIED_BROKER_ANSWERS)) {
      expect(errorCodes.find((e) => e.code === Number(code))?.message, `code ${code}`).toBe(message);
    }
  });
});
