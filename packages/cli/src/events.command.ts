/**
 * `streamshop events tail <topic>`: the event stream as JSON lines, for people and pipes (`| jq`, `| head`).
 * Each record is decoded with the Avro serde (Confluent wire format, schemas from the registry) and printed as one
 * line on stdout; everything else (what is being tailed, how many records) goes to stderr, so stdout stays
 * parseable. A record that cannot be decoded is printed with its error and the tail goes on.
 *
 * It reads read_committed (records of aborted or open transactions are never shown) with a throwaway consumer
 * group that never commits and is deleted on exit, so tailing leaves nothing behind on the broker.
 */
import { randomUUID } from 'node:crypto';
import { avroRuntimeSerde } from '@streamshop/command-service';
import { type Config, loadConfig } from '@streamshop/config';
import {
  createKafka,
  DEAD_LETTER_RECORD,
  readDeadLetter,
  type Serde,
  topicOffsets,
} from '@streamshop/eventsourcing-kafka';
import { AvroSerde, recordNames } from '@streamshop/schemas';
import { TOPICS, type TopicName, topicName } from '@streamshop/schemas/topics';
import { StepError } from '@streamshop/stack';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Admin, Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { pino } from 'pino';

const TOPIC_NAMES = TOPICS.map((t) => t.name);

/** Kafka client logs only when fatal, and on stderr: stdout carries nothing but JSON lines. */
export const stderrLogger = () => pino({ level: 'fatal' }, pino.destination(2));
const ALL_RECORDS: readonly string[] = Object.values(recordNames).flatMap((r) =>
  typeof r === 'string' ? [r] : [...r.commands, ...r.events],
);

/** A catalog topic name, or an error listing the valid ones. */
export function parseTopic(value: string): TopicName {
  if ((TOPIC_NAMES as string[]).includes(value)) return value as TopicName;
  throw new InvalidArgumentError(`unknown topic ${value}; the catalog has ${TOPIC_NAMES.join(', ')}`);
}

/** `OrderPlaced` or `streamshop.orders.OrderPlaced` → the full record name among `known`, or an error listing them. */
export function resolveRecordName(name: string, known: readonly string[] = ALL_RECORDS): string {
  if (known.includes(name)) return name;
  const matches = known.filter((r) => r.endsWith(`.${name}`));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new InvalidArgumentError(`record ${name} is ambiguous: ${matches.join(', ')}`);
  throw new InvalidArgumentError(`unknown record ${name}; choose from ${known.map(shortName).join(', ')}`);
}

const shortName = (full: string) => full.slice(full.lastIndexOf('.') + 1);

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `2h`, `1d`, `30s` (ago), or an ISO time → epoch milliseconds. */
export function parseSince(value: string, now: number = Date.now()): number {
  const duration = /^(\d+)(ms|s|m|h|d)$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const at = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(at)) return at;
  throw new InvalidArgumentError(
    `expected an ISO time (2025-06-01T12:00:00Z) or a duration such as 30s, 10m, 2h, 1d; got ${value}`,
  );
}

/** A decoded Avro value as plain JSON: bytes as base64, longs beyond 2^53 as strings. */
export function toJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return value;
}

/** One line of `events tail`. */
export interface TailLine {
  topic: string;
  key: string | null;
  partition: number;
  offset: string;
  timestamp: string;
  type: string | null;
  payload: unknown;
  headers?: Record<string, string>;
  error?: string;
  valueBase64?: string | null;
  /** commerce.dlq only: the dead letter's id and the record inside it. */
  dlqId?: string;
  inner?: { type: string | null; payload?: unknown; error?: string };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function decodeInner(serde: Serde, value: Buffer | null): Promise<NonNullable<TailLine['inner']>> {
  if (value === null) return { type: null, error: 'no value' };
  try {
    const inner = await serde.decode(value);
    return { type: inner.type, payload: toJson(inner.value) };
  } catch (err) {
    return { type: null, error: messageOf(err) };
  }
}

/** Decodes one record into its tail line; never throws (an undecodable record becomes a line with `error`). */
export async function tailLine(
  serde: Serde,
  topic: string,
  partition: number,
  message: Pick<KafkaMessage, 'key' | 'value' | 'offset' | 'timestamp' | 'headers'>,
  /** The topic's values are the runtime's own JSON (snapshots), not Avro. */
  options: { rawJson?: boolean } = {},
): Promise<TailLine> {
  const line: TailLine = {
    topic,
    key: message.key?.toString('utf8') ?? null,
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    type: null,
    payload: null,
  };
  const headers = headerStrings(message.headers);
  if (headers) line.headers = headers;
  if (message.value === null) return { ...line, error: 'tombstone (no value)', valueBase64: null };
  if (options.rawJson) {
    try {
      return { ...line, payload: JSON.parse(message.value.toString('utf8')) };
    } catch {
      // not JSON after all: reported like any undecodable record below
    }
  }
  try {
    const decoded = await serde.decode(message.value);
    line.type = decoded.type;
    line.payload = toJson(decoded.value);
    if (decoded.type === DEAD_LETTER_RECORD) {
      const { id, deadLetter } = await readDeadLetter(serde, message);
      line.dlqId = id;
      line.inner = await decodeInner(serde, deadLetter.value);
    }
    return line;
  } catch (err) {
    return { ...line, type: null, error: messageOf(err), valueBase64: message.value.toString('base64') };
  }
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> | undefined {
  const entries = Object.entries(headers ?? {}).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, Array.isArray(v) ? v.map(String).join(',') : String(v)]));
}

export interface TailOptions {
  topic: TopicName;
  prefix: string;
  fromBeginning?: boolean;
  /** Epoch milliseconds. */
  since?: number;
  /** Full record name: only records of this type (or dead letters holding one). */
  type?: string;
  partition?: number;
  exitAtEnd?: boolean;
}

/**
 * Prints `topic`'s records as JSON lines through `write` until the high watermarks taken at start (`exitAtEnd`)
 * or until `signal` aborts. `write` returns false when the reader went away (EPIPE): the tail then stops quietly.
 */
export async function tailTopic(
  config: Config,
  options: TailOptions,
  io: { write(line: string): boolean; info(text: string): void; signal?: AbortSignal },
): Promise<{ printed: number }> {
  const physical = topicName(options.topic, options.prefix);
  // Snapshot topics carry no Avro record (the runtime's JSON): print their values as JSON, type null.
  const rawJson = TOPICS.find((t) => t.name === options.topic)?.records.length === 0;
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-events-tail` },
    stderrLogger(),
  );
  const serde = avroRuntimeSerde(new AvroSerde({ registryUrl: config.registry.url, prefix: options.prefix }));
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new StepError(
      `cannot reach Kafka at ${config.kafka.brokers.join(',')} (${messageOf(err)}); start the stack with \`npx streamshop stack up\` or set KAFKA_BROKERS`,
    );
  }
  const groupId = `streamshop-events-tail-${randomUUID()}`;
  let printed = 0;
  try {
    const { partitions, plan } = await planPartitions(admin, physical, options);
    const from = options.fromBeginning
      ? 'the beginning'
      : options.since !== undefined
        ? new Date(options.since).toISOString()
        : 'the end';
    io.info(
      `tailing ${physical} (partition${plan.length === 1 ? '' : 's'} ${plan.map((p) => p.partition).join(',')}) from ${from}` +
        (options.exitAtEnd ? ', until the current end' : '; Ctrl-C to stop'),
    );
    // With --exit-at-end a partition with nothing between its start and end is done before it starts.
    const active = plan.filter((p) => !options.exitAtEnd || p.start < p.end);
    if (active.length === 0) return { printed };
    await consume(kafka, groupId, physical, partitions, active, options, io, async (partition, message) => {
      const line = await tailLine(serde, physical, partition, message, { rawJson });
      if (options.type && line.type !== options.type && line.inner?.type !== options.type) return true;
      printed++;
      return io.write(`${JSON.stringify(line)}\n`);
    });
    return { printed };
  } finally {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

interface PartitionPlan {
  partition: number;
  start: bigint;
  /** The high watermark (last stable offset) when the tail started. */
  end: bigint;
}

async function planPartitions(
  admin: Admin,
  topic: string,
  options: TailOptions,
): Promise<{ partitions: number[]; plan: PartitionPlan[] }> {
  if (!(await admin.listTopics()).includes(topic)) {
    throw new StepError(
      `topic ${topic} does not exist on this broker; create the catalog's topics with \`npx streamshop topics ensure${options.prefix ? ` --prefix ${options.prefix}` : ''}\``,
    );
  }
  let ends: { partition: number; offset: string; low: string }[];
  try {
    ends = await topicOffsets(admin, topic);
  } catch (err) {
    throw new StepError(
      `cannot read ${topic} (${messageOf(err)}); create the topics with \`npx streamshop topics ensure\``,
    );
  }
  if (options.partition !== undefined && !ends.some((e) => e.partition === options.partition)) {
    throw new StepError(
      `${topic} has no partition ${options.partition}; its partitions are 0..${Math.max(...ends.map((e) => e.partition))}`,
    );
  }
  const since =
    options.since === undefined ? undefined : await admin.fetchTopicOffsetsByTimestamp(topic, options.since);
  const plan = ends
    .filter((e) => options.partition === undefined || e.partition === options.partition)
    .map((e) => {
      const end = BigInt(e.offset);
      const start = options.fromBeginning
        ? BigInt(e.low)
        : since
          ? BigInt(since.find((s) => s.partition === e.partition)?.offset ?? e.offset)
          : end;
      return { partition: e.partition, start, end };
    })
    .sort((a, b) => a.partition - b.partition);
  return { partitions: ends.map((e) => e.partition), plan };
}

/**
 * Runs a consumer over the planned partitions from their start offsets. With `exitAtEnd`, a partition is done once
 * the consumer has passed its planned end (control records count: a commit marker is often the last offset), and
 * the call returns when every partition is done. Otherwise it returns when `signal` aborts or `print` says stop.
 */
async function consume(
  kafka: Kafka,
  groupId: string,
  topic: string,
  allPartitions: number[],
  plan: PartitionPlan[],
  options: TailOptions,
  io: { signal?: AbortSignal },
  print: (partition: number, message: KafkaMessage) => Promise<boolean>,
): Promise<void> {
  const byPartition = new Map(plan.map((p) => [p.partition, p]));
  const pending = new Set(byPartition.keys());
  const consumer: Consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 250,
  });
  let stopped = false;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = () => {
      stopped = true;
      resolve();
    };
    fail = reject;
  });
  const passed = (partition: number, lastOffset: string | null) => {
    const p = byPartition.get(partition);
    if (!options.exitAtEnd || !p || lastOffset === null || BigInt(lastOffset) < p.end - 1n) return;
    pending.delete(partition);
    if (pending.size === 0) finish();
  };
  const onAbort = () => finish();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  if (io.signal?.aborted) finish();
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => passed(payload.partition, payload.lastOffset));
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const p = byPartition.get(batch.partition);
        if (stopped || !p) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < p.start || (options.exitAtEnd && offset >= p.end)) continue;
          if (!(await print(batch.partition, message))) {
            finish();
            return;
          }
        }
        passed(batch.partition, batch.lastOffset());
      },
    });
    // kafkajs cannot assign partitions by hand: the throwaway group gets them all; pause the ones not wanted.
    const idle = allPartitions.filter((p) => !byPartition.has(p));
    if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
    for (const p of plan) consumer.seek({ topic, partition: p.partition, offset: p.start.toString() });
    await done;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => {});
  }
}

/** Writes lines to stdout; false once the reader has gone (EPIPE, e.g. `| head -1`). */
function stdoutWriter(): { write(line: string): boolean; gone: AbortSignal } {
  const controller = new AbortController();
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && !controller.signal.aborted) process.stderr.write(`stdout: ${err.message}\n`);
    controller.abort();
  });
  return {
    write(line) {
      if (controller.signal.aborted) return false;
      process.stdout.write(line);
      return !controller.signal.aborted;
    },
    gone: controller.signal,
  };
}

export function eventsCommand(): Command {
  const events = new Command('events').description('Read the event stream (Avro, decoded to JSON lines)').addHelpText(
    'after',
    `
Examples:
  $ streamshop events tail orders.events                          follow new order events
  $ streamshop events tail orders.events --from-beginning --exit-at-end | jq -c '{type, key, payload}'
  $ streamshop events tail inventory.events --since 10m --type StockReserved
  $ streamshop events tail commerce.dlq --from-beginning --exit-at-end | jq '{dlqId, inner: .inner.type, error: .payload.error}'

See docs/events.md for every topic, its records and how to consume them from other programs.`,
  );

  events
    .command('tail')
    .description('Print a topic’s records as JSON lines (stdout); start at the end and follow, unless told otherwise')
    .argument('<topic>', `catalog topic: ${TOPIC_NAMES.join(', ')}`, parseTopic)
    .option('--from-beginning', 'start at the first record of each partition')
    .addOption(
      new Option('--since <time>', 'start at this ISO time or this long ago (30s, 10m, 2h, 1d)')
        .argParser((v) => parseSince(v))
        .conflicts('fromBeginning'),
    )
    .option('--type <record>', 'only this record type (short or full name); on commerce.dlq also the inner type')
    .option('--partition <n>', 'only this partition', (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a partition number');
      return Number(v);
    })
    .option('--exit-at-end', 'stop at the end of each partition as it was when the tail started')
    .option('--prefix <prefix>', 'topic name prefix (isolated environments)', '')
    .addHelpText(
      'after',
      `
Each line: {"topic","key","partition","offset","timestamp","type","payload"} (timestamp ISO, bytes base64).
A record that cannot be decoded prints "type": null with "error" and "valueBase64"; the tail goes on.
On commerce.dlq each line also carries "dlqId" and "inner": the dead letter's original record, decoded.
Only JSON goes to stdout; what is being tailed goes to stderr. Reads read_committed; leaves no consumer group.

Examples:
  $ streamshop events tail orders.events
  $ streamshop events tail orders.events --from-beginning --exit-at-end | jq -r .type | sort | uniq -c
  $ streamshop events tail payments.events --since 2025-06-01T00:00:00Z --exit-at-end --type PaymentFailed
  $ streamshop events tail orders.events --partition 3 --from-beginning | head -5
  $ streamshop events tail commerce.dlq --from-beginning --exit-at-end --prefix dev1.`,
    )
    .action(
      async (
        topic: TopicName,
        opts: {
          fromBeginning?: boolean;
          since?: number;
          type?: string;
          partition?: number;
          exitAtEnd?: boolean;
          prefix: string;
        },
      ) => {
        const config = loadConfig();
        const records = TOPICS.find((t) => t.name === topic)!.records;
        let type: string | undefined;
        try {
          // On the DLQ any record may sit inside a dead letter.
          type = opts.type && resolveRecordName(opts.type, topic === 'commerce.dlq' ? ALL_RECORDS : records);
        } catch (err) {
          throw new StepError(`--type: ${messageOf(err)}`);
        }
        const out = stdoutWriter();
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        out.gone.addEventListener('abort', onSignal, { once: true });
        try {
          const { printed } = await tailTopic(
            config,
            { ...opts, topic, type },
            {
              write: out.write,
              info: (text) => process.stderr.write(`${text}\n`),
              signal: stop.signal,
            },
          );
          if (!out.gone.aborted) process.stderr.write(`${printed} record(s)\n`);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      },
    );
  return events;
}
