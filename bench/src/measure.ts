/**
 * What every benchmark shares: argument parsing with --help, a throwaway topic namespace on the running stack
 * (deleted afterwards), and the closing report: each side's rate and the final `ratio <ours ÷ raw>` line.
 * Benchmarks measure on the same machine in the same run, so the ratio is what carries meaning, not the rates.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Config } from '@streamshop/config';
import { ensureTopics, type TopicName, topicName } from '@streamshop/schemas/topics';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { type Logger, pino } from 'pino';

export interface BenchArgs {
  count: number;
  batch: number;
}

/** A named option with a fixed set of values (the first is the default), e.g. `--model inventory|orders`. */
export interface BenchChoice {
  readonly values: readonly [string, ...string[]];
  help: string;
}

export function benchArgs<C extends Record<string, BenchChoice> = Record<never, BenchChoice>>(
  name: string,
  what: string,
  defaults: BenchArgs,
  countFlag: string,
  choices: C = {} as C,
): BenchArgs & { [K in keyof C]: C[K]['values'][number] } {
  const { values } = parseArgs({
    options: {
      [countFlag]: { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(Object.keys(choices).map((k) => [k, { type: 'string' as const }])),
    },
  });
  const choiceUsage = Object.entries(choices)
    .map(([k, c]) => `  --${k} ${c.values.join('|')}   ${c.help} (default ${c.values[0]})\n`)
    .join('');
  if (values.help) {
    console.log(`npm run ${name} -- [--${countFlag} N] [--batch B]${Object.keys(choices)
      .map((k) => ` [--${k} …]`)
      .join('')}

${what}

  --${countFlag} N   how many (default ${defaults.count})
  --batch B    records per produce call / transaction on the raw side (default ${defaults.batch})
${choiceUsage}
Needs the stack: npx streamshop stack up. Prints both rates and ends with \`ratio <ours ÷ raw>\`.`);
    process.exit(0);
  }
  const picked: Record<string, string> = {};
  for (const [k, c] of Object.entries(choices)) {
    const v = (values[k] as string | undefined) ?? c.values[0];
    if (!c.values.includes(v)) {
      console.error(`--${k} expects one of ${c.values.join(', ')}, got "${v}"`);
      process.exit(2);
    }
    picked[k] = v;
  }
  const int = (raw: unknown, flag: string, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) {
      console.error(`--${flag} expects a positive whole number, got "${String(raw)}"`);
      process.exit(2);
    }
    return n;
  };
  return {
    count: int(values[countFlag], countFlag, defaults.count),
    batch: int(values.batch, 'batch', defaults.batch),
    ...picked,
  } as BenchArgs & { [K in keyof C]: C[K]['values'][number] };
}

export interface BenchNamespace {
  prefix: string;
  rawTopic: string;
  kafka: Kafka;
  topic(name: TopicName): string;
  cleanup(): Promise<void>;
}

/**
 * Topics are created without waiting for leaders; a client reading them at once (the gateway's reply consumer) would
 * log "not the leader" errors while it retries. Wait until every partition under `prefix` has a leader instead.
 */
async function leadersElected(admin: Admin, prefix: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    const { topics: meta } = await admin.fetchTopicMetadata({ topics });
    if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    if (Date.now() > deadline) throw new Error(`topics under ${prefix} have no leaders after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every catalog topic under a fresh prefix (every partition led), so a run never reads another run's records. */
export async function benchNamespace(config: Config, label: string): Promise<BenchNamespace> {
  const prefix = `bench_${label}_${randomBytes(3).toString('hex')}.`;
  const kafka = new Kafka({ clientId: prefix, brokers: config.kafka.brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { prefix });
  // The raw baseline's own topic: raw bytes must never land on a topic a service folds.
  await admin.createTopics({ topics: [{ topic: `${prefix}raw`, numPartitions: 6 }], waitForLeaders: false });
  await leadersElected(admin, prefix);
  return {
    rawTopic: `${prefix}raw`,
    prefix,
    kafka,
    topic: (name) => topicName(name, prefix),
    async cleanup() {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
      await admin.disconnect();
    },
  };
}

export function rate(count: number, ms: number): number {
  return count / (ms / 1000);
}

export function report(lines: [string, number, string][], ratio: number): void {
  for (const [label, value, unit] of lines) console.log(`${label.padEnd(44)} ${value.toFixed(0).padStart(9)} ${unit}`);
  console.log(`ratio ${ratio.toFixed(3)}`);
}

/**
 * A logger for a gateway under measurement at the configured level (info by default): its access line per request
 * is formatted and written as deployed, but to /dev/null; errors still reach the terminal.
 */
export function deployedGatewayLogger(config: Config): Logger {
  return pino(
    { level: config.logLevel },
    pino.multistream([
      { level: 'trace', stream: pino.destination({ dest: '/dev/null', sync: false }) },
      { level: 'error', stream: process.stderr },
    ]),
  );
}
