/** `streamshop up` (the whole platform, in the foreground) and `streamshop stack …` (the local stack of real servers). */

import { createReadStream, existsSync, readFileSync, statSync, watch } from 'node:fs';
import { relative } from 'node:path';
import { loadConfig } from '@streamshop/config';
import { runUntilSignal } from '@streamshop/eventsourcing-kafka';
import { COMPONENT_NAMES, type ComponentStatus, down, logFile, reset, StepError, status, up } from '@streamshop/stack';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { logFileFor, type Platform, PlatformAborted, startPlatform } from './platform.ts';

function table(rows: ComponentStatus[]): string {
  const head = ['COMPONENT', 'HEALTH', 'VERSION', 'PORT', 'PID', 'URL'];
  const body = rows.map((r) => [
    r.component,
    r.healthy ? 'healthy' : `DOWN${r.detail ? ` (${r.detail.slice(0, 60)})` : ''}`,
    r.version ?? '-',
    String(r.port),
    r.pid === null ? '-' : String(r.pid),
    r.url,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  return [head, ...body]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function printStatus(json: boolean, only?: string[]): Promise<boolean> {
  const rows = await status(loadConfig(), only ? { only } : {});
  if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else process.stdout.write(`${table(rows)}\n`);
  return rows.every((r) => r.healthy);
}

const parsePort = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a TCP port (0-65535)');
  return n;
};

/** What to print once the platform is up: where to go, and who to sign in as. */
async function welcome({ url, inboxUrl }: Platform, logFile: string): Promise<string> {
  const open = url.replace('://127.0.0.1:', '://localhost:');
  let signIn = 'Sign in with Clerk (CLERK_* keys are set).';
  try {
    const res = await fetch(`${url}/api/dev/users`);
    if (res.ok) {
      const users = (await res.json()) as { name: string; role: string }[];
      signIn = `Demo users (dev sign-in, no password): ${users.map((u) => `${u.name} (${u.role})`).join(', ')}`;
    }
  } catch {}
  return [
    `  Open ${open}`,
    `  ${signIn}`,
    `  API docs ${open}/docs · logs ${relative(process.cwd(), logFile) || logFile}`,
    ...(inboxUrl ? [`  E-mails the shop sends (Mailpit's inbox): ${inboxUrl}`] : []),
    '  Ctrl-C stops the platform; the stack keeps running (`npx streamshop stack down` stops it).',
  ].join('\n');
}

export function upCommand(): Command {
  return new Command('up')
    .description(
      'Run the whole platform in the foreground: the stack, topics, command services, projections, the storefront and the gateway, with a demo catalog; Ctrl-C stops it',
    )
    .option('--port <port>', 'the gateway port (default: GATEWAY_PORT or 18080; 0 picks a free one)', parsePort)
    .option('--prefix <prefix>', 'topic prefix of a side-by-side environment (its own database and Redis keys too)', '')
    .option('--no-seed', 'do not add the demo catalog')
    .option('--no-storefront', 'do not build the storefront (serve storefront/dist as it is, or only the API)')
    .addHelpText(
      'after',
      `
The first run downloads and builds the stack for a few minutes; later runs take seconds. Logs go to
.stack/logs/platform.log (STREAMSHOP_LOG_LEVEL sets how much). \`streamshop stack up\` starts the stack alone.

Examples:
  $ streamshop up                        everything; open the URL it prints
  $ streamshop up --port 8080 --no-seed
  $ streamshop up --prefix dev2. --port 0   a second, isolated platform beside the first
  $ STREAMSHOP_DEV_MODE=0 streamshop up  real Clerk, Stripe and PayPal secrets (from the environment) instead of
                                         dev mode; then GATEWAY_HOST=0.0.0.0 may make it reachable from other machines

It runs in dev mode (STREAMSHOP_DEV_MODE=1 unless set): dev sign-in as the demo users and test-mode payments,
against the local stack, on a loopback listener only.`,
    )
    .action(async (opts: { port?: number; prefix: string; seed: boolean; storefront: boolean }) => {
      // The local platform is the one place dev mode is on by default; an explicit STREAMSHOP_DEV_MODE=0 wins.
      const config = loadConfig(undefined, { devModeUnlessSet: true });
      const logFile = logFileFor(config, 'platform');
      const logger = pino(
        { level: config.logLevel },
        pino.multistream([
          { level: config.logLevel, stream: pino.destination({ dest: logFile, append: true, sync: true }) },
          { level: 'error', stream: process.stderr },
        ]),
      );
      const started = Date.now();
      // Ctrl-C while starting stops what has started; a second one exits at once.
      const abort = new AbortController();
      const onSignal = () => {
        if (abort.signal.aborted) process.exit(130);
        console.log('\nstopping what has started…');
        abort.abort();
      };
      process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
      let platform: Platform;
      try {
        platform = await startPlatform(config, {
          logger,
          say: (line) => console.log(line),
          prefix: opts.prefix,
          seed: opts.seed,
          storefront: opts.storefront ? 'build' : 'skip',
          signal: abort.signal,
          ...(opts.port === undefined ? {} : { port: opts.port }),
        });
      } catch (err) {
        if (err instanceof PlatformAborted) {
          console.log('stopped');
          process.exit(130);
        }
        throw err;
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      }
      console.log(`\nstreamshop is running (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
      console.log(await welcome(platform, logFile));
      await runUntilSignal(
        [
          {
            start: async () => {},
            stop: async () => {
              console.log('\nstopping the gateway, projections and services…');
              await platform.stop();
              console.log('stopped; the stack keeps running (`npx streamshop stack down` stops it)');
            },
          },
        ],
        { logger },
      );
    });
}

export function stackCommand(): Command {
  const stack = new Command('stack')
    .description(
      'The local stack: Kafka, a MongoDB-protocol server, Redis, the Schema Registry, stripe-mock, the PayPal sandbox and Mailpit',
    )
    .addHelpText(
      'after',
      `
Components: ${COMPONENT_NAMES.join(', ')}
Everything lives under .stack/ (downloads, data, pids, logs); a cold first \`up\` downloads and builds for a few minutes.

Examples:
  $ streamshop stack up              start whatever is not running (a no-op when all are up)
  $ streamshop stack status --json   [{component, version, url, port, pid, healthy}, …]
  $ streamshop stack logs registry -f
  $ streamshop stack down && streamshop stack reset   stop, then wipe all data (keeps downloads)`,
    );

  stack
    .command('up')
    .description('Start the stack (idempotent); returns when every component is healthy')
    .argument('[components...]', `a subset of: ${COMPONENT_NAMES.join(', ')}`)
    .action(async (components: string[]) => {
      const r = await up(loadConfig(), { only: components });
      if (r.started.length === 0) console.log(`already running: ${r.alreadyRunning.join(', ')}`);
      await printStatus(false, components.length ? components : undefined);
    });

  stack
    .command('down')
    .description('Stop exactly the processes `up` started (by pid); data is kept')
    .argument('[components...]', `a subset of: ${COMPONENT_NAMES.join(', ')}`)
    .action(async (components: string[]) => {
      await down(loadConfig(), { only: components });
    });

  stack
    .command('status')
    .description('Each component: health, version as the server reports it, port, pid and client URL')
    .option('--json', 'print a JSON array of {component, version, url, port, pid, healthy}')
    .argument('[components...]', `a subset of: ${COMPONENT_NAMES.join(', ')}`)
    .action(async (components: string[], opts: { json?: boolean }) => {
      const healthy = await printStatus(Boolean(opts.json), components.length ? components : undefined);
      if (!healthy) process.exitCode = 3;
    });

  stack
    .command('logs')
    .description("Print a component's log (all components' last lines when none is named)")
    .argument('[component]', `one of: ${COMPONENT_NAMES.join(', ')}`)
    .option('-n, --lines <n>', 'how many lines from the end', '40')
    .option('-f, --follow', 'keep printing as the log grows')
    .action(async (component: string | undefined, opts: { lines: string; follow?: boolean }) => {
      const config = loadConfig();
      const n = Number(opts.lines);
      if (!Number.isInteger(n) || n < 0) throw new StepError(`--lines expects a whole number, got "${opts.lines}"`);
      const names = component ? [component] : COMPONENT_NAMES;
      for (const name of names) {
        const file = logFile(config, name);
        if (!existsSync(file)) {
          console.log(`== ${name}: no log yet (${file})`);
          continue;
        }
        const lines = readFileSync(file, 'utf8').split('\n');
        console.log(`== ${name} (${file})`);
        console.log(lines.slice(-n - 1).join('\n'));
      }
      if (opts.follow) {
        if (!component) throw new StepError('--follow needs a component, e.g. `streamshop stack logs kafka -f`');
        const file = logFile(config, component);
        let offset = existsSync(file) ? statSync(file).size : 0;
        watch(file, () => {
          const size = statSync(file).size;
          if (size <= offset) return;
          createReadStream(file, { start: offset, end: size - 1 }).pipe(process.stdout, { end: false });
          offset = size;
        });
        await new Promise(() => {});
      }
    });

  stack
    .command('reset')
    .description('Delete all stack data (topics, databases, schemas); keeps downloads. The stack must be down.')
    .action(async () => {
      await reset(loadConfig());
    });

  return stack;
}
