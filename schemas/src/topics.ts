/**
 * The topic catalog: every topic's name, partition count, key, the records it carries, and its retention. Topic
 * names are a contract between services, projections and analysts, so they live here and nowhere else.
 *
 * Invariants:
 * - `<context>.commands`, `<context>.events` and `<context>.snapshots` have the same partition count and are
 *   keyed by aggregate id (plain UTF-8 string keys, Kafka's default partitioner), so partition p of each holds the
 *   same aggregates: a command service that owns commands partition p rebuilds its state from events partition p.
 *   Changing a count re-homes aggregates; `ensureTopics` refuses a mismatch rather than "fixing" it.
 * - Events are kept forever (they are the store of record); commands and replies are transient.
 * - Verified provider webhooks (commerce.webhooks) outlive the commands they became: commands are kept 7 days, but an
 *   operator may need to re-drive a webhook months later (a dispute, a fix to a downstream bug).
 *
 * Every name takes an optional prefix (`t1a2b` → `t1a2b.orders.events`) so test files get their own topics.
 */
import kafkajs, { type Admin, type ITopicConfig } from 'kafkajs';
import { type RecordName, recordNames } from './generated/types.ts';
import { CONTEXTS, type Context } from './schema-set.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Partitions per context (commands, events and snapshots alike). Small: the local stack runs on two cores. */
export const CONTEXT_PARTITIONS: Record<Context, number> = {
  catalog: 3,
  inventory: 6,
  orders: 6,
  payments: 3,
  users: 3,
  // Numbering is sequential per year, so one writer does it all: one partition is all the context can use.
  invoicing: 1,
  notifications: 3,
};

export type TopicName =
  | `${Context}.commands`
  | `${Context}.events`
  | `${Context}.snapshots`
  | 'commerce.command-replies'
  | 'commerce.dlq'
  | 'commerce.webhooks';

export interface TopicSpec<N extends TopicName = TopicName> {
  /** Logical name, without any prefix. */
  name: N;
  partitions: number;
  /** What the record key is (always a UTF-8 string). */
  key: string;
  /** Full Avro names of the records the topic carries (empty: the value schema is owned elsewhere). */
  records: readonly RecordName[];
  /** Topic-level Kafka configuration set at creation and verified afterwards. */
  config: { 'cleanup.policy': 'delete' | 'compact'; 'retention.ms': string };
  /** One line for listings and the AsyncAPI document. */
  description: string;
  /** The context that writes it, or `commerce` for shared topics. */
  owner: Context | 'commerce';
}

const contextTopics = (ctx: Context): TopicSpec[] => [
  {
    name: `${ctx}.commands`,
    partitions: CONTEXT_PARTITIONS[ctx],
    key: 'aggregate id',
    records: recordNames[ctx].commands,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS) },
    description: `Commands to the ${ctx} context, consumed by its command service (single writer per partition).`,
    owner: ctx,
  },
  {
    name: `${ctx}.events`,
    partitions: CONTEXT_PARTITIONS[ctx],
    key: 'aggregate id',
    records: recordNames[ctx].events,
    config: { 'cleanup.policy': 'delete', 'retention.ms': '-1' },
    description: `Events of the ${ctx} context: the event store (kept forever), co-partitioned with ${ctx}.commands.`,
    owner: ctx,
  },
  {
    name: `${ctx}.snapshots`,
    partitions: CONTEXT_PARTITIONS[ctx],
    key: 'aggregate id',
    records: [],
    config: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
    description: `Latest state snapshot per ${ctx} aggregate (compacted), to shorten rebuilds; value owned by the runtime.`,
    owner: ctx,
  },
];

/** Every topic, in a stable order. */
export const TOPICS: readonly TopicSpec[] = [
  ...CONTEXTS.flatMap(contextTopics),
  {
    name: 'commerce.command-replies',
    partitions: 3,
    key: 'correlation id',
    records: [recordNames.reply],
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(DAY_MS) },
    description: 'One CommandReply per command, produced in the same transaction as its events; read by the gateway.',
    owner: 'commerce',
  },
  {
    name: 'commerce.dlq',
    partitions: 3,
    key: 'original record key',
    records: [recordNames.deadLetter],
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    description: 'Records that could not be processed, with where they came from and why.',
    owner: 'commerce',
  },
  {
    name: 'commerce.webhooks',
    partitions: 3,
    key: 'provider event id',
    records: [recordNames.webhookReceived],
    // 400 days: longer than the providers' dispute windows (PayPal 180 days, card chargebacks about 120) and a yearly
    // audit, yet bounded, because raw bodies hold personal data (payer and user names, emails). Not compacted: a
    // redelivery is a second record with the same key, and both are kept as received.
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(400 * DAY_MS) },
    description:
      'The webhook inbox: every verified Stripe, PayPal and Clerk webhook as received (raw body, headers, verification) ' +
      'with the command it became, for `streamshop webhooks list|show|replay`.',
    owner: 'commerce',
  },
];

/** The records a logical topic may carry, as a type (used by the serde to refuse a record on the wrong topic). */
export type RecordsOn<T extends TopicName> = T extends `${infer C extends Context}.commands`
  ? (typeof recordNames)[C]['commands'][number]
  : T extends `${infer C extends Context}.events`
    ? (typeof recordNames)[C]['events'][number]
    : T extends 'commerce.command-replies'
      ? typeof recordNames.reply
      : T extends 'commerce.dlq'
        ? typeof recordNames.deadLetter
        : T extends 'commerce.webhooks'
          ? typeof recordNames.webhookReceived
          : never;

export function topicSpec<N extends TopicName>(name: N): TopicSpec<N> {
  const spec = TOPICS.find((t) => t.name === name);
  if (!spec) throw new Error(`Unknown topic ${name}; the catalog has ${TOPICS.map((t) => t.name).join(', ')}`);
  return spec as TopicSpec<N>;
}

/** `t1a2b` + `orders.events` → `t1a2b.orders.events`; no prefix → the logical name. A trailing dot is tolerated. */
export function topicName(name: TopicName, prefix = ''): string {
  const p = prefix.replace(/\.+$/, '');
  return p ? `${p}.${name}` : name;
}

/** The logical name of a physical topic under a prefix, or undefined if it is not one of ours. */
export function logicalTopic(physical: string, prefix = ''): TopicName | undefined {
  return TOPICS.find((t) => topicName(t.name, prefix) === physical)?.name;
}

export interface TopicDescription extends TopicSpec {
  /** Physical name (with the prefix). */
  topic: string;
}

/** The catalog with physical names, for listings (`streamshop topics ensure` prints it). */
export function describeTopics({ prefix = '' }: { prefix?: string } = {}): TopicDescription[] {
  return TOPICS.map((t) => ({ ...t, topic: topicName(t.name, prefix) }));
}

export interface EnsureTopicsOptions {
  prefix?: string;
  /** Replication factor for created topics; default: the broker's default.replication.factor. */
  replicationFactor?: number;
}

export interface EnsureTopicsResult {
  created: string[];
  verified: string[];
}

/** Raised when existing topics differ from the catalog in a way that cannot be fixed without moving data. */
export class TopicMismatchError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Existing topics do not match the topic catalog (schemas/src/topics.ts):\n  - ${problems.join('\n  - ')}\n` +
        'Partition counts cannot be changed in place without re-homing aggregates: delete and recreate the topic ' +
        '(development), or plan a migration.',
    );
    this.name = 'TopicMismatchError';
  }
}

/**
 * Creates the catalog's missing topics and verifies the existing ones (partition count, cleanup policy).
 * Idempotent; safe to run at every start. Throws `TopicMismatchError` listing every mismatch.
 */
export async function ensureTopics(admin: Admin, options: EnsureTopicsOptions = {}): Promise<EnsureTopicsResult> {
  const { prefix = '', replicationFactor } = options;
  const wanted = describeTopics({ prefix });
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((t) => ({
      topic: t.topic,
      numPartitions: t.partitions,
      ...(replicationFactor === undefined ? {} : { replicationFactor }),
      configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
    }));
    try {
      // kafkajs' own waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a KRaft broker answers while
      // new topics propagate; waitForTopics below retries through it.
      await admin.createTopics({ topics, waitForLeaders: false });
    } catch (err) {
      // Another process may have created some of them meanwhile; verification below decides.
      if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
    }
  }
  await waitForTopics(
    admin,
    missing.map((t) => t.topic),
  );
  const present = wanted.filter((t) => existing.has(t.topic));
  const problems: string[] = [];
  if (present.length > 0) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((t) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name: t.topic })),
    });
    for (const t of present) {
      const partitions = topics.find((m) => m.name === t.topic)?.partitions.length;
      if (partitions !== t.partitions) {
        problems.push(`${t.topic} has ${partitions} partitions, the catalog says ${t.partitions}`);
      }
      const entries = configs.resources.find((r) => r.resourceName === t.topic)?.configEntries ?? [];
      const policy = entries.find((e) => e.configName === 'cleanup.policy')?.configValue;
      if (policy !== t.config['cleanup.policy']) {
        problems.push(`${t.topic} has cleanup.policy=${policy}, the catalog says ${t.config['cleanup.policy']}`);
      }
    }
  }
  if (problems.length > 0) throw new TopicMismatchError(problems);
  return { created: missing.map((t) => t.topic), verified: present.map((t) => t.topic) };
}

/**
 * Resolves once every topic is known to the broker with a leader answering on each partition; throws after `timeoutMs`
 * naming the topics still missing. Use it after creating topics, before producing to them.
 */
export async function waitForTopics(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      const ready = meta.filter((m) => m.partitions.length > 0 && m.partitions.every((p) => p.leader >= 0));
      if (ready.length === topics.length) {
        // Metadata can name a leader a moment before that broker acts as one (KRaft publishes the metadata
        // first): until ListOffsets answers on every partition, readers get NOT_LEADER_OR_FOLLOWER.
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
      last = new Error(`not ready: ${topics.filter((t) => !ready.some((m) => m.name === t)).join(', ')}`);
    } catch (err) {
      last = err; // UNKNOWN_TOPIC_OR_PARTITION / LEADER_NOT_AVAILABLE while the topics propagate
    }
    if (Date.now() > deadline) {
      throw new Error(`Topics not ready after ${timeoutMs}ms: ${(last as Error).message}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
