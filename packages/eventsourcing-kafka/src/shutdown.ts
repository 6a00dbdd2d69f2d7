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
  for (const r of runnables) await r.start();
  options.logger?.info('running; send SIGTERM to stop gracefully');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = async (signal: NodeJS.Signals) => {
      if (stopping) {
        options.logger?.warn({ signal }, 'second signal: exiting now');
        exit(1);
        return;
      }
      stopping = true;
      options.logger?.info({ signal }, 'stopping: finishing in-flight batches');
      let code = 0;
      for (const r of [...runnables].reverse()) {
        try {
          await r.stop();
        } catch (err) {
          code = 1;
          options.logger?.error({ err }, 'error while stopping');
        }
      }
      for (const s of signals) process.off(s, onSignal);
      resolve();
      exit(code);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
