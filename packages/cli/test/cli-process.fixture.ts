/**
 * Runs the real `streamshop` command (packages/cli/bin/streamshop.js, as a user would) in a child process, with its
 * stdout optionally piped through a shell pipeline (`jq -c .`, `head -1`), and collects what it printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../bin/streamshop.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout split into lines, empty ones dropped. */
  lines: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `streamshop <args> [| pipe]` under bash with pipefail, so the exit code is the CLI's (or the pipe's) failure.
 * `entry` replaces `[BIN]` with another entry (node arguments and script) that follows the same conventions.
 */
export function cli(
  args: string[],
  options: { pipe?: string; env?: Record<string, string>; entry?: string[] } = {},
): Promise<CliResult> {
  const command = [process.execPath, ...(options.entry ?? [BIN]), ...args].map(quote).join(' ');
  const child = spawn('bash', ['-o', 'pipefail', '-c', options.pipe ? `${command} | ${options.pipe}` : command], {
    cwd: REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}

/** A long-running `streamshop <args>` (e.g. a following tail): read its output as it comes, stop it with a signal. */
export function cliProcess(args: string[], options: { env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = capture(child);
  return {
    child,
    stdout: output.stdout,
    stderr: output.stderr,
    lines: () => output.stdout().split('\n').filter(Boolean),
    /** Sends `signal` and waits for the exit. */
    async stop(signal: NodeJS.Signals = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      return output.result;
    },
  };
}

function collect(child: ChildProcess): Promise<CliResult> {
  return capture(child).result;
}

/** What the child prints, readable while it runs, and the whole of it once it has exited. */
function capture(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, lines: stdout.split('\n').filter(Boolean) }));
  });
  return { stdout: () => stdout, stderr: () => stderr, result };
}
