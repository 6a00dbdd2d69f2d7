/**
 * The operator's dead-letter tools, as a library (`streamshop projections dlq …` is thin wiring over it): list what
 * sits in `commerce.dlq`, replay a dead letter to the topic it came from (as it was, or with a corrected value),
 * or drop it with a reason.
 *
 * The DLQ topic itself is never changed: it is read from its start to its current end every time (no committed
 * consumer group), entries are deduplicated by their deterministic id (a runtime that crashed after writing a
 * dead letter writes the same one again), and what an operator decided lives beside it in MongoDB, collection
 * `dlq_resolutions`, one document per dead-letter id. A resolved entry is hidden from the default listing, and
 * resolving it again (a second replay) is refused unless forced, so a replay puts a record back exactly once.
 */
import { randomUUID } from 'node:crypto';
import {
  type DeadLetter,
  partitionOffsets,
  readDeadLetter,
  readPartitionRange,
  type Serde,
} from '@streamshop/eventsourcing-kafka';
import { loadSchemaSet } from '@streamshop/schemas';
import type { DeadLetter as DeadLetterSchema } from '@streamshop/schemas/types';
import type { Admin, IHeaders, Kafka } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { type Db, MongoServerError } from 'mongodb';

/** The runtime's DeadLetter and the generated Avro type must stay the same shape (compile-time check). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type DeadLetterMatchesSchema = Same<DeadLetter, DeadLetterSchema> extends true ? true : never;
const _deadLetterMatchesSchema: DeadLetterMatchesSchema = true;
void _deadLetterMatchesSchema;

export const RESOLUTIONS_COLLECTION = 'dlq_resolutions';

/** What an operator decided about a dead letter (collection `dlq_resolutions`, `_id` = dead-letter id). */
export interface DeadLetterResolution {
  _id: string;
  action: 'replayed' | 'dropped';
  reason: string;
  /** Epoch milliseconds. */
  at: number;
  by?: string;
  /** Where the replayed record landed; absent only if the replay was interrupted after it was claimed. */
  replayedTo?: { topic: string; partition: number; offset: string };
}

export interface DeadLetterEntry {
  id: string;
  deadLetter: DeadLetter;
  /** Where the first copy sits in the DLQ topic. */
  dlq: { partition: number; offset: string };
  /** How many DLQ records carry this id (more than one after a runtime re-wrote it). */
  copies: number;
  /** Full record name of the original value if the serde decodes it, else null. */
  recordType: string | null;
  resolution: DeadLetterResolution | null;
}

/** What every tool needs: where the DLQ is, how to decode, where resolutions live, who is acting. */
export interface DeadLetterContext {
  kafka: Kafka;
  serde: Serde;
  db: Db;
  /** Physical DLQ topic name (with any prefix). */
  dlqTopic: string;
  /** Recorded on resolutions (e.g. the operator's user name). */
  by?: string;
}

export interface ListOptions {
  /** Include resolved entries (default: only the unresolved ones). */
  all?: boolean;
  /** Only dead letters from this (physical) source topic. */
  source?: string;
  /** Only dead letters of this consumer group. */
  group?: string;
  /** Called for each DLQ record that is not a dead letter at all (it is skipped). */
  onUnreadable?: (info: { partition: number; offset: string; error: string }) => void;
}

/** An operator mistake or refusal; the message says what to do. */
export class DeadLetterError extends Error {
  override name = 'DeadLetterError';
}

const LIST_HINT = '`streamshop projections dlq list --all` shows every id';

/** Dead letters in the DLQ topic (deduplicated, oldest first), with their resolutions. */
export async function listDeadLetters(ctx: DeadLetterContext & ListOptions): Promise<DeadLetterEntry[]> {
  const found = new Map<string, Omit<DeadLetterEntry, 'resolution' | 'recordType'>>();
  for (const m of await readWholeTopic(ctx.kafka, ctx.dlqTopic)) {
    let read: Awaited<ReturnType<typeof readDeadLetter>>;
    try {
      read = await readDeadLetter(ctx.serde, m.message);
    } catch (err) {
      ctx.onUnreadable?.({ partition: m.partition, offset: m.message.offset, error: (err as Error).message });
      continue;
    }
    const seen = found.get(read.id);
    if (seen) seen.copies++;
    else found.set(read.id, { ...read, dlq: { partition: m.partition, offset: m.message.offset }, copies: 1 });
  }
  const wanted = [...found.values()].filter(
    (e) =>
      (ctx.source === undefined || e.deadLetter.sourceTopic === ctx.source) &&
      (ctx.group === undefined || e.deadLetter.consumerGroup === ctx.group),
  );
  const resolutions = await resolutionsOf(
    ctx.db,
    wanted.map((e) => e.id),
  );
  const entries: DeadLetterEntry[] = [];
  for (const e of wanted) {
    const resolution = resolutions.get(e.id) ?? null;
    if (resolution && !ctx.all) continue;
    entries.push({ ...e, resolution, recordType: await recordTypeOf(ctx.serde, e.deadLetter.value) });
  }
  return entries.sort((a, b) => a.deadLetter.failedAt - b.deadLetter.failedAt || a.id.localeCompare(b.id));
}

export interface ReplayOptions {
  /** Publish this value instead of the original, encoded as `type` (a full Avro record name) for the source topic. */
  with?: { type: string; value: unknown };
  /** Replay even if the dead letter was already replayed or dropped. */
  force?: boolean;
  /** Stored on the resolution; default says what was replayed. */
  reason?: string;
}

export interface ReplayResult {
  id: string;
  replayedTo: { topic: string; partition: number; offset: string };
}

/**
 * Re-publishes each dead letter's original key and value (or the corrected value) to its source topic, with its
 * original headers plus `dlq.replayed-from: <id>`, and records the resolution. Every id is checked before anything
 * is published: an unknown id, or a resolved one without `force`, refuses the whole call.
 */
export async function replayDeadLetters(
  ctx: DeadLetterContext,
  ids: string[],
  options: ReplayOptions = {},
): Promise<ReplayResult[]> {
  const entries = await entriesFor(ctx, ids, options.force ?? false, 'replay');
  if (options.with && entries.length !== 1) {
    throw new DeadLetterError('a corrected value (--with) replays one dead letter at a time; name exactly one id');
  }
  const corrected = options.with;
  if (corrected) validateRecord(corrected.type, corrected.value);
  const producer = ctx.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // The same partitioner as every streamshop producer: the original key lands on the original partition.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const results: ReplayResult[] = [];
  try {
    for (const entry of entries) {
      const { sourceTopic } = entry.deadLetter;
      const value = corrected
        ? await encodeCorrected(ctx.serde, sourceTopic, corrected.type, corrected.value)
        : entry.deadLetter.value;
      const reason =
        options.reason ?? (corrected ? `replayed with a corrected ${corrected.type}` : 'replayed as it was');
      const claimed = options.force ? false : await claim(ctx, resolution(ctx, entry.id, 'replayed', reason));
      let replayedTo: ReplayResult['replayedTo'];
      try {
        const headers: IHeaders = { ...entry.deadLetter.headers, 'dlq.replayed-from': entry.id };
        const [meta] = await producer.send({
          topic: sourceTopic,
          acks: -1,
          messages: [{ key: entry.deadLetter.key, value, headers }],
        });
        if (!meta) throw new Error(`no produce result from ${sourceTopic}`);
        replayedTo = { topic: sourceTopic, partition: meta.partition, offset: meta.baseOffset ?? '?' };
      } catch (err) {
        if (claimed) await ctx.db.collection<DeadLetterResolution>(RESOLUTIONS_COLLECTION).deleteOne({ _id: entry.id });
        throw new DeadLetterError(
          `cannot replay ${entry.id} to ${sourceTopic}: ${(err as Error).message}` +
            (results.length > 0 ? ` (already replayed: ${results.map((r) => r.id).join(', ')})` : ''),
        );
      }
      await ctx.db
        .collection<DeadLetterResolution>(RESOLUTIONS_COLLECTION)
        .replaceOne({ _id: entry.id }, resolution(ctx, entry.id, 'replayed', reason, replayedTo), { upsert: true });
      results.push({ id: entry.id, replayedTo });
    }
  } finally {
    await producer.disconnect();
  }
  return results;
}

/** Records a dropped resolution for each id (reason required); the dead letters stay in the topic, hidden. */
export async function dropDeadLetters(
  ctx: DeadLetterContext,
  ids: string[],
  reason: string,
  options: { force?: boolean } = {},
): Promise<DeadLetterResolution[]> {
  if (reason.trim() === '') throw new DeadLetterError('dropping needs a reason (--reason "why it can go")');
  const entries = await entriesFor(ctx, ids, options.force ?? false, 'drop');
  const out: DeadLetterResolution[] = [];
  for (const entry of entries) {
    const doc = resolution(ctx, entry.id, 'dropped', reason.trim());
    if (options.force) {
      await ctx.db
        .collection<DeadLetterResolution>(RESOLUTIONS_COLLECTION)
        .replaceOne({ _id: entry.id }, doc, { upsert: true });
    } else {
      await claim(ctx, doc);
    }
    out.push(doc);
  }
  return out;
}

function resolution(
  ctx: DeadLetterContext,
  id: string,
  action: DeadLetterResolution['action'],
  reason: string,
  replayedTo?: DeadLetterResolution['replayedTo'],
): DeadLetterResolution {
  return {
    _id: id,
    action,
    reason,
    at: Date.now(),
    ...(ctx.by ? { by: ctx.by } : {}),
    ...(replayedTo ? { replayedTo } : {}),
  };
}

/**
 * Inserts the resolution only if there is none: the unique `_id` makes two operators (or two runs) resolving the
 * same dead letter at once end with one winner, and the loser is refused before it publishes anything.
 */
async function claim(ctx: DeadLetterContext, doc: DeadLetterResolution): Promise<true> {
  try {
    await ctx.db.collection<DeadLetterResolution>(RESOLUTIONS_COLLECTION).insertOne(doc);
    return true;
  } catch (err) {
    if (err instanceof MongoServerError && err.code === 11000) {
      throw new DeadLetterError(`${doc._id} was resolved meanwhile by someone else; pass --force to act on it anyway`);
    }
    throw err;
  }
}

/** The entries for `ids`, refusing unknown ids and (unless `force`) resolved ones before anything happens. */
async function entriesFor(
  ctx: DeadLetterContext,
  ids: string[],
  force: boolean,
  verb: 'replay' | 'drop',
): Promise<DeadLetterEntry[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) throw new DeadLetterError(`name the dead letter(s) to ${verb}; ${LIST_HINT}`);
  const all = new Map((await listDeadLetters({ ...ctx, all: true })).map((e) => [e.id, e]));
  const unknown = wanted.filter((id) => !all.has(id));
  if (unknown.length > 0) {
    throw new DeadLetterError(`no dead letter with id ${unknown.join(', ')} in ${ctx.dlqTopic}; ${LIST_HINT}`);
  }
  const entries = wanted.map((id) => all.get(id)!);
  const resolved = entries.filter((e) => e.resolution !== null);
  if (resolved.length > 0 && !force) {
    const what = resolved.map((e) => `${e.id} was already ${describeResolution(e.resolution!)}`).join('; ');
    throw new DeadLetterError(`refusing to ${verb}: ${what}. Pass --force to ${verb} anyway`);
  }
  return entries;
}

/** `replayed to t/2@17 at 2025-…Z by ann (reason)` */
export function describeResolution(r: DeadLetterResolution): string {
  const to = r.replayedTo ? ` to ${r.replayedTo.topic}/${r.replayedTo.partition}@${r.replayedTo.offset}` : '';
  const by = r.by ? ` by ${r.by}` : '';
  return `${r.action}${to} at ${new Date(r.at).toISOString()}${by} (${r.reason})`;
}

async function resolutionsOf(db: Db, ids: string[]): Promise<Map<string, DeadLetterResolution>> {
  const out = new Map<string, DeadLetterResolution>();
  // Chunked `$in`: the DLQ is small, but a query per few hundred ids keeps each request bounded.
  for (let i = 0; i < ids.length; i += 500) {
    const docs = await db
      .collection<DeadLetterResolution>(RESOLUTIONS_COLLECTION)
      .find({ _id: { $in: ids.slice(i, i + 500) } })
      .toArray();
    for (const d of docs) out.set(d._id, d);
  }
  return out;
}

async function recordTypeOf(serde: Serde, value: Buffer | null): Promise<string | null> {
  if (value === null) return null;
  try {
    return (await serde.decode(value)).type;
  } catch {
    return null;
  }
}

/** Checks a corrected value against its Avro schema, naming each wrong field, before anything is sent. */
export function validateRecord(type: string, value: unknown): void {
  const record = loadSchemaSet().records.get(type);
  if (!record)
    throw new DeadLetterError(`${type} is not a streamshop record; give its full name, e.g. ${sampleName()}`);
  const problems: string[] = [];
  record.type.isValid(value, {
    errorHook: (path, v, t) =>
      problems.push(`${path.join('.') || '(record)'}: expected ${typeName(t)}, got ${show(v)}`),
  });
  if (problems.length > 0) {
    throw new DeadLetterError(`the corrected value is not a valid ${type}:\n  - ${problems.join('\n  - ')}`);
  }
}

const sampleName = () => [...loadSchemaSet().records.keys()][0] ?? 'streamshop.orders.PlaceOrder';
const typeName = (t: { typeName?: string; name?: string | undefined }) => t.name ?? t.typeName ?? 'another type';
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

async function encodeCorrected(serde: Serde, topic: string, type: string, value: unknown): Promise<Buffer> {
  try {
    return await serde.encode(topic, type, value);
  } catch (err) {
    throw new DeadLetterError(`cannot encode the corrected ${type} for ${topic}: ${(err as Error).message}`);
  }
}

/**
 * Every record of `topic` from each partition's start to its end as of now (read_committed), partition by
 * partition. The readers join throwaway consumer groups that never commit; they are deleted afterwards so an
 * operator's listing leaves nothing behind on the broker.
 */
async function readWholeTopic(kafka: Kafka, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  const groupIdPrefix = `streamshop-dlq-reader-${randomUUID()}`;
  const out: { partition: number; message: Parameters<Parameters<typeof readPartitionRange>[2]>[0] }[] = [];
  try {
    const partitions = await partitionsOf(admin, topic);
    for (const partition of partitions) {
      const { low, end } = await partitionOffsets(admin, topic, partition);
      await readPartitionRange(
        kafka,
        { topic, partition, from: low, to: end },
        (message) => {
          out.push({ partition, message });
        },
        { groupIdPrefix },
      );
    }
    return out;
  } finally {
    await deleteGroups(admin, groupIdPrefix).catch(() => {});
    await admin.disconnect();
  }
}

async function partitionsOf(admin: Admin, topic: string): Promise<number[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] }).catch((err: Error) => {
    throw new DeadLetterError(
      `cannot read ${topic} (${err.message}); is the stack up (\`npx streamshop stack status\`) and the topic created (\`npx streamshop topics ensure\`)?`,
    );
  });
  return (topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
}

async function deleteGroups(admin: Admin, prefix: string): Promise<void> {
  const { groups } = await admin.listGroups();
  const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (mine.length > 0) await admin.deleteGroups(mine);
}
