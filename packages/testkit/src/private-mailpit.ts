/**
 * A Mailpit of a test's own: the stack's binary on free loopback ports with its own database, for tests that need
 * the SMTP server to misbehave. Stopping it is "SMTP is down" (and starting it again on the same ports, "it is
 * back"); `allowedRecipients` makes it answer 550 to every other recipient, a permanent failure for one address
 * while the next is accepted; its chaos triggers (`api.setChaosTriggers`) answer 4xx or 5xx at the SMTP stage
 * chosen. All of that is global to a server, which is why it is never done to the stack's shared Mailpit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '@streamshop/config';
import { mailpitBinary, stackContext } from '@streamshop/stack';
import { MailpitClient } from 'mailpit-api';
import { eventually } from './eventually.ts';

export interface PrivateMailpitOptions {
  /** A regular expression (Go syntax) the recipients must match; any other is answered 550. */
  allowedRecipients?: string;
}

export interface PrivateMailpit {
  /** For `config.notifications.smtpUrl`. */
  readonly smtpUrl: string;
  readonly httpUrl: string;
  readonly api: MailpitClient;
  /**
   * Starts it again on the same ports with the same messages (with `options`, those instead of the first ones: the
   * recipient refused before may be accepted now); resolves once it answers.
   */
  start(options?: PrivateMailpitOptions): Promise<void>;
  /** Stops it (SIGTERM); connections to its SMTP port are then refused. */
  stop(): Promise<void>;
  /** Stops it and deletes its messages. */
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrivateMailpit(
  config: Config,
  initial: PrivateMailpitOptions = {},
): Promise<PrivateMailpit> {
  const bin = await mailpitBinary(stackContext(config, () => {}));
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'mailpit-'));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const api = new MailpitClient(httpUrl);
  let options = initial;
  const args = () => [
    '--smtp',
    `127.0.0.1:${smtpPort}`,
    '--listen',
    `127.0.0.1:${httpPort}`,
    '--database',
    join(dir, 'mailpit.db'),
    '--disable-version-check',
    '--smtp-disable-rdns',
    '--enable-chaos',
    '--quiet',
    ...(options.allowedRecipients ? ['--smtp-allowed-recipients', options.allowedRecipients] : []),
  ];
  let child: ChildProcess | undefined;

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  const start = async (next?: PrivateMailpitOptions) => {
    if (child) return;
    if (next) options = next;
    const started = spawn(bin, args(), { stdio: ['ignore', 'ignore', 'inherit'] });
    child = started;
    await eventually(
      async () => {
        if (started.exitCode !== null) throw new Error(`mailpit exited with ${started.exitCode}`);
        await api.getInfo();
      },
      { timeoutMs: 30_000, intervalMs: 100, message: `private Mailpit on ${httpUrl}` },
    );
  };

  await start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    httpUrl,
    api,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
