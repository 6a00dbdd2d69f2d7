/**
 * `streamshop projections dlq …`: the operator's view of `commerce.dlq` — list what could not be processed, put a
 * record back on the topic it came from (as it was, or corrected), or drop it with a reason. Thin wiring over
 * `@streamshop/projections/operator/dead-letters`, which holds the rules (dedupe, resolutions, replay once).
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { avroRuntimeSerde } from '@streamshop/command-service';
import { loadConfig } from '@streamshop/config';
import { createKafka } from '@streamshop/eventsourcing-kafka';
import {
  type DeadLetterContext,
  type DeadLetterEntry,
  DeadLetterError,
  describeResolution,
  dropDeadLetters,
  listDeadLetters,
  replayDeadLetters,
} from '@streamshop/projections/operator/dead-letters';
import { AvroSerde } from '@streamshop/schemas';
import { TOPICS, type TopicName, topicName } from '@streamshop/schemas/topics';
import { StepError } from '@streamshop/stack';
import { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { resolveRecordName, stderrLogger } from './events.command.ts';

/** Opens what the tools need under `prefix`, runs `fn`, closes everything; operator mistakes become CLI errors. */
async function withDeadLetters<T>(prefix: string, fn: (ctx: DeadLetterContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-dlq` },
    stderrLogger(),
  );
  const mongo = new MongoClient(config.mongo.url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await mongo.connect();
  } catch (err) {
    throw new StepError(
      `cannot reach MongoDB at ${config.mongo.url} (${(err as Error).message}); start the stack with \`npx streamshop stack up\` or set MONGODB_URL`,
    );
  }
  try {
    return await fn({
      kafka,
      serde: avroRuntimeSerde(new AvroSerde({ registryUrl: config.registry.url, prefix })),
      db: mongo.db(config.mongo.database),
      dlqTopic: topicName('commerce.dlq', prefix),
      by: userInfo().username,
    });
  } catch (err) {
    if (err instanceof DeadLetterError) throw new StepError(err.message);
    throw err;
  } finally {
    await mongo.close().catch(() => {});
  }
}

/** One entry as a JSON line: everything needed to decide, bytes as base64. */
export function entryJson(e: DeadLetterEntry) {
  const d = e.deadLetter;
  return {
    id: e.id,
    failedAt: new Date(d.failedAt).toISOString(),
    consumerGroup: d.consumerGroup,
    source: { topic: d.sourceTopic, partition: d.sourcePartition, offset: d.sourceOffset },
    recordType: e.recordType,
    error: d.error,
    key: d.key?.toString('utf8') ?? null,
    valueBase64: d.value?.toString('base64') ?? null,
    headers: d.headers,
    copies: e.copies,
    dlq: e.dlq,
    resolution: e.resolution,
  };
}

const shortName = (full: string | null) => (full ? full.slice(full.lastIndexOf('.') + 1) : '-');
const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The table `dlq list` prints: one row per dead letter, the resolution last when listing all. */
export function entryTable(entries: DeadLetterEntry[], withResolution: boolean): string {
  const rows = entries.map((e) => {
    const d = e.deadLetter;
    const row = [
      e.id,
      new Date(d.failedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      d.consumerGroup,
      `${d.sourceTopic}/${d.sourcePartition}@${d.sourceOffset}`,
      shortName(e.recordType),
      oneLine(d.error, 80),
    ];
    if (withResolution) row.push(e.resolution ? describeResolution(e.resolution) : 'unresolved');
    return row;
  });
  const header = ['ID', 'FAILED AT', 'GROUP', 'SOURCE', 'TYPE', 'ERROR'];
  if (withResolution) header.push('RESOLUTION');
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A catalog topic name becomes its physical name under the prefix; anything else is taken as given. */
const physicalTopic = (name: string, prefix: string) =>
  TOPICS.some((t) => t.name === name) ? topicName(name as TopicName, prefix) : name;

const PREFIX_HELP = 'topic name prefix (isolated environments)';

export function dlqCommand(): Command {
  const dlq = new Command('dlq')
    .description('Dead letters (commerce.dlq): list them, replay them to their source topic, or drop them')
    .addHelpText(
      'after',
      `
Records a service or projection could not process go to commerce.dlq as DeadLetter records (see docs/events.md).
What an operator did about each (replayed, dropped) is kept in MongoDB, collection dlq_resolutions.

Examples:
  $ streamshop projections dlq list                     unresolved dead letters, oldest first
  $ streamshop projections dlq list --all --json | jq -c '{id, error, resolution}'
  $ streamshop projections dlq replay 3f9a1c0d2b4e5f60  put the original record back on its source topic
  $ streamshop projections dlq replay 3f9a1c0d2b4e5f60 --with fixed.json --type PlaceOrder
  $ streamshop projections dlq drop 3f9a1c0d2b4e5f60 --reason "test order, nothing to do"`,
    );

  dlq
    .command('list')
    .description('List dead letters (unresolved ones unless --all), deduplicated, oldest first')
    .option('--all', 'include replayed and dropped ones, with what was done')
    .option('--source <topic>', 'only those from this source topic (catalog name, e.g. orders.commands)')
    .option('--group <group>', 'only those of this consumer group')
    .option('--json', 'one JSON object per line instead of a table')
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addHelpText(
      'after',
      `
Columns: id (what replay/drop take), when it failed, the consumer group that gave up, where the record came from
(topic/partition@offset), its record type if the original value decodes ("-" if not), and the error.

Examples:
  $ streamshop projections dlq list
  $ streamshop projections dlq list --source orders.commands
  $ streamshop projections dlq list --all --json | jq -r 'select(.resolution == null) | .id'`,
    )
    .action(async (opts: { all?: boolean; source?: string; group?: string; json?: boolean; prefix: string }) => {
      await withDeadLetters(opts.prefix, async (ctx) => {
        let unreadable = 0;
        const entries = await listDeadLetters({
          ...ctx,
          all: opts.all ?? false,
          ...(opts.source === undefined ? {} : { source: physicalTopic(opts.source, opts.prefix) }),
          ...(opts.group === undefined ? {} : { group: opts.group }),
          onUnreadable: () => {
            unreadable++;
          },
        });
        if (opts.json) {
          for (const e of entries) process.stdout.write(`${JSON.stringify(entryJson(e))}\n`);
        } else if (entries.length > 0) {
          console.log(entryTable(entries, opts.all ?? false));
        }
        const what = opts.all ? 'dead letter(s)' : 'unresolved dead letter(s)';
        process.stderr.write(`${entries.length} ${what} in ${ctx.dlqTopic}\n`);
        if (unreadable > 0) process.stderr.write(`${unreadable} record(s) in ${ctx.dlqTopic} are not dead letters\n`);
      });
    });

  dlq
    .command('replay')
    .description('Publish dead letters again to the topic they came from, then mark them replayed')
    .argument('<id...>', 'dead-letter ids (from `dlq list`)')
    .option('--with <file.json>', 'publish this corrected value (JSON) instead of the original; needs --type')
    .option('--type <record>', 'record type of the corrected value (short or full name, e.g. PlaceOrder)')
    .option('--force', 'replay even if already replayed or dropped')
    .option('--reason <text>', 'note stored with the resolution')
    .option('--json', 'one JSON object per replayed record')
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addHelpText(
      'after',
      `
The record keeps its original key (so its original partition) and headers, plus dlq.replayed-from: <id>.
A dead letter is replayed once: replaying it again is refused unless --force.
A corrected value is checked against its Avro schema first; every wrong field is named.

Examples:
  $ streamshop projections dlq replay 3f9a1c0d2b4e5f60 7c1e0a9b8d2f4e13
  $ streamshop projections dlq list --json | jq -r .valueBase64 | head -1 | base64 -d | xxd | head
  $ streamshop projections dlq replay 3f9a1c0d2b4e5f60 --with fixed.json --type streamshop.orders.PlaceOrder
  $ streamshop projections dlq replay 3f9a1c0d2b4e5f60 --force --reason "consumer fixed in 1.4.2"`,
    )
    .action(
      async (
        ids: string[],
        opts: { with?: string; type?: string; force?: boolean; reason?: string; json?: boolean; prefix: string },
      ) => {
        if ((opts.with === undefined) !== (opts.type === undefined)) {
          throw new StepError('--with <file.json> and --type <record> go together: the value and its record type');
        }
        let corrected: { type: string; value: unknown } | undefined;
        if (opts.with !== undefined && opts.type !== undefined) {
          let type: string;
          try {
            type = resolveRecordName(opts.type);
          } catch (err) {
            throw new StepError(`--type: ${(err as Error).message}`);
          }
          corrected = { type, value: readJson(opts.with) };
        }
        await withDeadLetters(opts.prefix, async (ctx) => {
          const results = await replayDeadLetters(ctx, ids, {
            ...(corrected ? { with: corrected } : {}),
            force: opts.force ?? false,
            ...(opts.reason === undefined ? {} : { reason: opts.reason }),
          });
          for (const r of results) {
            console.log(
              opts.json
                ? JSON.stringify({ action: 'replayed', ...r })
                : `replayed  ${r.id} → ${r.replayedTo.topic}/${r.replayedTo.partition}@${r.replayedTo.offset}`,
            );
          }
        });
      },
    );

  dlq
    .command('drop')
    .description('Mark dead letters as dropped (kept in the topic, hidden from `dlq list`), with a reason')
    .argument('<id...>', 'dead-letter ids (from `dlq list`)')
    .requiredOption('--reason <text>', 'why nothing needs to be done (stored with the resolution)')
    .option('--force', 'drop even if already replayed or dropped')
    .option('--json', 'one JSON object per dropped record')
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addHelpText(
      'after',
      `
Examples:
  $ streamshop projections dlq drop 3f9a1c0d2b4e5f60 --reason "duplicate of order 7f…, already refunded"
  $ streamshop projections dlq list --all          dropped ones show with their reason`,
    )
    .action(async (ids: string[], opts: { reason: string; force?: boolean; json?: boolean; prefix: string }) => {
      await withDeadLetters(opts.prefix, async (ctx) => {
        const dropped = await dropDeadLetters(ctx, ids, opts.reason, { force: opts.force ?? false });
        for (const d of dropped) {
          console.log(opts.json ? JSON.stringify({ id: d._id, ...d }) : `dropped   ${d._id} (${d.reason})`);
        }
      });
    });
  return dlq;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StepError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StepError(`${file} is not JSON: ${(err as Error).message}`);
  }
}
