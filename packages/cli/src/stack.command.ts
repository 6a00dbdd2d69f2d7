/** `streamshop up` and `streamshop stack …`: the local stack of real servers. */

import { createReadStream, existsSync, readFileSync, statSync, watch } from 'node:fs';
import { ensureCatalogTopics } from '@streamshop/command-service';
import { loadConfig } from '@streamshop/config';
import { COMPONENT_NAMES, type ComponentStatus, down, logFile, reset, StepError, status, up } from '@streamshop/stack';
import { Command } from 'commander';
import { quietLogger } from './topics.command.ts';

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

export function upCommand(): Command {
  return new Command('up')
    .description('Bring up the platform: the local stack of real servers and the topics, then print what runs where')
    .action(async () => {
      const config = loadConfig();
      const started = Date.now();
      await up(config);
      const topics = await ensureCatalogTopics(config, quietLogger());
      console.log(`✓ topics: ${topics.created.length} created, ${topics.verified.length} verified`);
      process.stdout.write(`\nstreamshop is up (${((Date.now() - started) / 1000).toFixed(1)}s):\n\n`);
      await printStatus(false);
      process.stdout.write('\nStop it with: npx streamshop stack down\n');
    });
}

export function stackCommand(): Command {
  const stack = new Command('stack')
    .description('The local stack: Kafka, a MongoDB-protocol server, Redis, the Schema Registry and stripe-mock')
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
