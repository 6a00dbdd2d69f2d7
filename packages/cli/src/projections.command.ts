/**
 * `streamshop projections …`: the operator's view of the read side. `status` shows every read model's active
 * generation, its lag per partition, the worker's throughput and the last error; `rebuild` folds a new generation
 * from offset zero with a live progress bar and switches to it once caught up (or, with --until, makes a
 * point-in-time copy for audits); `run` runs the workers in the foreground; `dlq` handles dead letters.
 */
import { loadConfig } from '@streamshop/config';
import { runUntilSignal } from '@streamshop/eventsourcing-kafka';
import {
  type ProjectionDefinition,
  type ProjectionStatus,
  projectionStatus,
  type RebuildProgress,
  rebuildProjection,
} from '@streamshop/projection-runtime';
import {
  isProjectionName,
  PROJECTION_NAMES,
  PROJECTIONS,
  type ProjectionName,
} from '@streamshop/projections/definitions';
import { startProjections } from '@streamshop/projections/main';
import { readSideWiring } from '@streamshop/projections/wiring';
import { StepError } from '@streamshop/stack';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { dlqCommand } from './dlq.command.ts';
import { quietLogger } from './topics.command.ts';

const MODELS = PROJECTION_NAMES.join(', ');

function parseModel(value: string): ProjectionName {
  if (!isProjectionName(value)) throw new InvalidArgumentError(`unknown read model "${value}"; choose from ${MODELS}`);
  return value;
}

/** `90s`, `5m`, `1h`, `250ms` or plain milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`"${value}" is not a duration; write e.g. 30s, 5m, 1h or 500ms`);
  const n = Number(m[1]);
  return Math.round(n * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h']);
}

/** An ISO 8601 instant (`2026-11-24T12:00:00Z`) as epoch ms. */
export function parseInstant(value: string): number {
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at)) {
    throw new InvalidArgumentError(`"${value}" is not an ISO time; write e.g. 2026-11-24T12:00:00Z`);
  }
  return at;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ago = (at: number) => `${Math.max(0, Math.round((Date.now() - at) / 1000))}s ago`;

/** One progress line: a bar (processed ÷ processed+lag), rate, lag and ETA. */
export function progressLine(p: RebuildProgress, width = 24): string {
  const total = p.processed + p.lag;
  const ratio = total === 0 ? 1 : p.processed / total;
  const filled = Math.round(ratio * width);
  const eta = p.etaSeconds === null ? '?' : `${p.etaSeconds}s`;
  return `${p.model} g${p.generation} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${fmt(p.processed)} events  ${fmt(p.eventsPerSecond)} ev/s  lag ${fmt(p.lag)}  eta ${eta}  (${p.phase})`;
}

export function statusTable(rows: ProjectionStatus[], verbose = false): string {
  const lines = ['MODEL      ACTIVE  COLLECTION       LAG      WORKER               LAST ERROR'];
  for (const r of rows) {
    const active = r.generations.find((g) => g.generation === r.active);
    const worker = r.worker ? `${r.workerAlive ? 'up' : 'gone'} ${fmt(r.worker.eventsPerSecond)} ev/s` : 'none';
    const error = r.lastError ? `${ago(r.lastError.at)}: ${r.lastError.message}` : '-';
    lines.push(
      `${r.model.padEnd(10)} ${(r.active === null ? '-' : `g${r.active}`).padEnd(7)} ${(active?.collection ?? '-').padEnd(16)} ${fmt(r.lag.total).padEnd(8)} ${worker.padEnd(20)} ${error}`,
    );
    const others = r.generations.filter((g) => g.generation !== r.active && g.state !== 'dropped');
    for (const g of others) {
      const until = g.until ? ` until ${new Date(g.until).toISOString()}` : '';
      lines.push(`${''.padEnd(10)} g${g.generation} ${g.state}${until} (${g.collection})`);
    }
    if (r.handoff)
      lines.push(
        `${''.padEnd(10)} handoff g${r.handoff.from} → g${r.handoff.to} requested ${ago(r.handoff.requestedAt)}`,
      );
    if (verbose) {
      for (const p of r.lag.partitions) {
        lines.push(
          `${''.padEnd(10)} ${p.topic}[${p.partition}] at ${fmt(p.position)} of ${fmt(p.end)} lag ${fmt(p.lag)}`,
        );
      }
    }
  }
  return lines.join('\n');
}

const prefixOption = () => new Option('--prefix <prefix>', 'topic name prefix (isolated environments)').default('');
const redisPrefixOption = () => new Option('--redis-prefix <prefix>', 'Redis key prefix of the read cache').default('');

export function projectionsCommand(): Command {
  const projections = new Command('projections')
    .description('Operate the read models: status, zero-downtime rebuilds, point-in-time copies, dead letters')
    .addHelpText(
      'after',
      `
Read models: ${MODELS}. Each lives in generations (<collection>__g<N>); queries read the active one.

Examples:
  $ streamshop projections status                    generations, lag, worker throughput, last error
  $ streamshop projections rebuild orders             fold a new generation from zero, switch when caught up
  $ streamshop projections rebuild orders --until 2026-11-01T00:00:00Z   audit copy as of that instant
  $ streamshop projections run                       run every projection worker until Ctrl-C
  $ streamshop projections dlq list                  dead-lettered records waiting for a decision

See docs/operations.md for the procedures.`,
    );

  projections
    .command('status')
    .description("Every read model's active generation, lag per partition, worker throughput and last error")
    .addOption(prefixOption())
    .option('-v, --verbose', 'show the lag of every partition')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ streamshop projections status
  $ streamshop projections status -v          with each partition's position, end and lag
  $ streamshop projections status --json | jq '.[] | {model, active, lag: .lag.total}'`,
    )
    .action(async (opts: { prefix: string; verbose?: boolean; json?: boolean }) => {
      const side = await connect(opts.prefix, '');
      try {
        const rows = await projectionStatus({
          db: side.db,
          kafka: side.kafka,
          prefix: opts.prefix,
          definitions: PROJECTION_NAMES.map((n) => PROJECTIONS[n] as ProjectionDefinition),
        });
        process.stdout.write(`${opts.json ? JSON.stringify(rows, null, 2) : statusTable(rows, opts.verbose)}\n`);
      } finally {
        await side.close();
      }
    });

  projections
    .command('rebuild')
    .description('Fold a new generation of a read model from offset zero, then switch queries to it atomically')
    .argument('<name>', `read model: ${MODELS}`, parseModel)
    .option(
      '--until <time>',
      'point-in-time copy: only events before this ISO instant; never made active',
      parseInstant,
    )
    .option('--keep', 'keep the previous generation instead of dropping it after the grace period')
    .option('--grace <duration>', 'how long the previous generation stays after the switch', parseDuration, 60_000)
    .option('--json', 'print progress and the result as JSON lines on stdout')
    .addOption(prefixOption())
    .addOption(redisPrefixOption())
    .addHelpText(
      'after',
      `
The new generation folds into <collection>__g<N> under its own consumer group while queries keep reading the
active one. Once caught up, the running worker hands the old generation over (it stops folding it and reports
how far it got), the rebuild folds at least that far, and the active generation switches in one step; cache
keys carry the generation, so nothing cached from the old one is served after. Ctrl-C cancels a rebuild before
the switch and leaves the active generation untouched.

Examples:
  $ streamshop projections rebuild orders
  $ streamshop projections rebuild products --grace 10m        keep the old copy 10 minutes for a quick look
  $ streamshop projections rebuild orders --keep               keep the old generation until you drop it
  $ streamshop projections rebuild orders --until 2026-11-01T00:00:00Z   orders as they stood at that instant
  $ streamshop projections rebuild sales --json | jq -c 'select(.event == "done")'`,
    )
    .action(
      async (
        name: ProjectionName,
        opts: { until?: number; keep?: boolean; grace: number; json?: boolean; prefix: string; redisPrefix: string },
      ) => {
        const side = await connect(opts.prefix, opts.redisPrefix);
        const abort = new AbortController();
        const onSignal = () => abort.abort();
        process.once('SIGINT', onSignal);
        const tty = process.stderr.isTTY && !opts.json;
        let lastLine = 0;
        try {
          const result = await rebuildProjection(PROJECTIONS[name] as ProjectionDefinition, side, {
            ...(opts.until === undefined ? {} : { until: opts.until }),
            keep: opts.keep ?? false,
            graceMs: opts.grace,
            signal: abort.signal,
            log: (m) => {
              if (opts.json) process.stdout.write(`${JSON.stringify({ event: 'log', message: m })}\n`);
              else process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${m}\n`);
            },
            onProgress: (p) => {
              if (opts.json) process.stdout.write(`${JSON.stringify({ event: 'progress', ...p })}\n`);
              else if (tty) process.stderr.write(`\r\x1b[2K${progressLine(p)}`);
              else if (Date.now() - lastLine > 5_000 || p.phase !== 'folding') {
                lastLine = Date.now();
                process.stderr.write(`${progressLine(p)}\n`);
              }
            },
          });
          if (tty) process.stderr.write('\n');
          if (opts.json) process.stdout.write(`${JSON.stringify({ event: 'done', ...result })}\n`);
          else if (result.pointInTime) {
            console.log(
              `point-in-time copy of ${name} as of ${new Date(opts.until as number).toISOString()}: ${result.collection} (generation ${result.generation}, never active; drop it when the audit is done)`,
            );
          } else {
            console.log(
              `${name}: generation ${result.generation} (${result.collection}) is active after ${result.seconds.toFixed(1)} s and ${fmt(result.processed)} events (was g${result.previous})`,
            );
          }
        } catch (err) {
          throw new StepError(`rebuild of ${name} failed: ${(err as Error).message}`);
        } finally {
          process.off('SIGINT', onSignal);
          await side.close();
        }
      },
    );

  projections
    .command('run')
    .description('Run projection workers in this process until SIGINT/SIGTERM')
    .argument('[names...]', `read models to run (default all: ${MODELS})`)
    .addOption(prefixOption())
    .addOption(redisPrefixOption())
    .addHelpText(
      'after',
      `
Examples:
  $ streamshop projections run                 every read model
  $ streamshop projections run orders sales    two workers; run the others elsewhere (partitions spread over instances)`,
    )
    .action(async (names: string[], opts: { prefix: string; redisPrefix: string }) => {
      const only = names.map(parseModel);
      const config = loadConfig();
      const logger = pino({ level: config.logLevel });
      const runnable = startProjections(config, {
        prefix: opts.prefix,
        redisPrefix: opts.redisPrefix,
        logger,
        ...(only.length > 0 ? { only } : {}),
      });
      await runUntilSignal([runnable], { logger });
    });

  projections.addCommand(dlqCommand());
  return projections;
}

async function connect(prefix: string, redisPrefix: string) {
  const config = loadConfig();
  try {
    return await readSideWiring(config, { prefix, redisPrefix, logger: quietLogger() });
  } catch (err) {
    throw new StepError(
      `cannot reach MongoDB/Redis (${(err as Error).message}); start the stack with \`npx streamshop stack up\``,
    );
  }
}
