/**
 * For a service's main.ts: start the runtimes, and on SIGTERM/SIGINT stop them (each finishes and commits its
 * in-flight batch, then leaves its group), then exit. A second signal exits at once.
 */
import type { Logger } from 'pino';

export interface Runnable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function runUntilSignal(
  runnables: Runnable[],
  options: { logger?: Logger; signals?: NodeJS.Signals[]; exit?: (code: number) => void } = {},
): Promise<void> {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  // Handlers go in before anything starts: a signal during a slow start (rebuilding partitions, joining groups)
  // stops what has started instead of killing the process halfway.
  let signalled: NodeJS.Signals | null = null;
  let stopping = false;
  let wake: () => void = () => {};
  const started: Runnable[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping || signalled) {
      options.logger?.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    signalled = signal;
    wake();
  };
  for (const s of signals) process.on(s, onSignal);
  try {
    for (const r of runnables) {
      if (signalled) break;
      await r.start();
      started.push(r);
    }
    if (!signalled) {
      options.logger?.info('running; send SIGTERM to stop gracefully');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } catch (err) {
    options.logger?.error({ err }, 'failed to start; stopping what had started');
    signalled ??= 'SIGTERM';
    stopping = true;
    await stopAll(started, options.logger);
    for (const s of signals) process.off(s, onSignal);
    throw err;
  }
  stopping = true;
  options.logger?.info({ signal: signalled }, 'stopping: finishing in-flight batches');
  const code = await stopAll(started, options.logger);
  for (const s of signals) process.off(s, onSignal);
  exit(code);
}

async function stopAll(started: Runnable[], logger?: Logger): Promise<number> {
  let code = 0;
  for (const r of [...started].reverse()) {
    try {
      await r.stop();
    } catch (err) {
      code = 1;
      logger?.error({ err }, 'error while stopping');
    }
  }
  return code;
}
