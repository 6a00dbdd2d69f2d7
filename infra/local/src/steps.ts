/**
 * Progress output for `stack up`: every download, build and start is announced as it begins and timed when it
 * ends, and a long step prints a heartbeat, so a cold start (several minutes of Maven and Go) is never silent.
 * Child tool output goes to the component's log file, not the terminal.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type Say = (line: string) => void;

export const defaultSay: Say = (line) => process.stdout.write(`${line}\n`);

export class StepError extends Error {
  constructor(
    message: string,
    readonly logFile?: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** Runs `fn`, announcing it, timing it, and printing a heartbeat every 15 s while it runs. */
export async function step<T>(say: Say, component: string, what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  say(`› ${component}: ${what}…`);
  const beat = setInterval(() => {
    say(
      `  ${component}: still ${what.charAt(0).toLowerCase()}${what.slice(1)} (${Math.round((Date.now() - started) / 1000)}s)`,
    );
  }, 15_000);
  try {
    const result = await fn();
    say(`✓ ${component}: ${what} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return result;
  } finally {
    clearInterval(beat);
  }
}

/** Runs a tool to completion with its output appended to `logFile`; rejects naming the command and the log. */
export function run(
  command: string,
  args: string[],
  opts: { cwd: string; logFile: string; env?: Record<string, string> },
): Promise<void> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const fd = openSync(opts.logFile, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', fd, fd],
    });
    child.on('error', (err) => {
      closeSync(fd);
      reject(new StepError(`${command} could not be run: ${err.message}`, opts.logFile));
    });
    child.on('exit', (code) => {
      closeSync(fd);
      if (code === 0) resolve();
      else
        reject(
          new StepError(`\`${command} ${args.join(' ')}\` exited with ${code}; see ${opts.logFile}`, opts.logFile),
        );
    });
  });
}

/** Polls `check` until it returns a value or the deadline passes; the last error explains a timeout. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T>,
  timeoutMs: number,
  alive?: () => boolean,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (err) {
      last = err;
    }
    if (alive && !alive()) throw new StepError(`${what}: the process exited while starting`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new StepError(
    `${what}: not healthy after ${timeoutMs / 1000}s (${last instanceof Error ? last.message : String(last)})`,
  );
}
