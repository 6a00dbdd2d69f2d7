/**
 * Client settings every integration test wants: consumer groups that rebalance in seconds on two cores (not the
 * defaults' tens of seconds), and a logger that stays quiet unless TEST_LOG_LEVEL asks for more.
 */
import { type Logger, pino } from 'pino';

/** The broker's minimum session timeout is 6 s; heartbeats and fetch waits short enough to notice quickly. */
export const fastConsumer = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 100,
} as const;

export function testLogger(defaultLevel = 'error'): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? defaultLevel });
}
