/**
 * An isolated namespace per test file, so files run in parallel against one stack without seeing each other:
 * a topic prefix, a MongoDB database, a Redis key prefix, a registry subject prefix and an e-mail domain, all derived
 * from one short id. `cleanup()` deletes everything the namespace created (topics, database, keys, subjects, mail) and
 * closes its clients.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@streamshop/config';
import { Redis } from 'ioredis';
import { type Admin, type ITopicConfig, Kafka, logLevel } from 'kafkajs';
import { type Db, MongoClient } from 'mongodb';
import { eventually } from './eventually.ts';
import { createMailbox, type Mailbox } from './mailpit.ts';
import { testConfig } from './test-config.ts';

export interface Namespace {
  /** Short unique id, e.g. `t_kafka_3f9a1c`. */
  readonly id: string;
  readonly config: Config;
  /** `<id>.<name>`: every topic a test creates goes through this. */
  topic(name: string): string;
  /** The prefix topics and registry subjects start with (`<id>.`). */
  readonly topicPrefix: string;
  readonly database: string;
  /** `<id>:` — prefix every Redis key with it. */
  readonly redisPrefix: string;
  /** `<id>.test` with hyphens (a host name has no underscores): every e-mail address the test gives out ends so. */
  readonly mailDomain: string;
  readonly kafka: Kafka;
  admin(): Promise<Admin>;
  mongo(): Promise<{ client: MongoClient; db: Db }>;
  redis(): Redis;
  /** The mail Mailpit received for `mailDomain`'s addresses. */
  mailbox(): Mailbox;
  createTopics(topics: (Omit<ITopicConfig, 'topic'> & { name: string })[]): Promise<string[]>;
  cleanup(): Promise<void>;
}

function slug(fileOrName: string): string {
  const base = fileOrName.startsWith('file:') ? basename(fileURLToPath(fileOrName)) : fileOrName;
  return base
    .replace(/\.(int\.)?test\.tsx?$/, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .slice(0, 24)
    .toLowerCase();
}

/** Call in `beforeAll` with `import.meta.url`; call `cleanup()` in `afterAll`. */
export function createNamespace(fileOrName: string, config: Config = testConfig()): Namespace {
  const id = `t_${slug(fileOrName)}_${randomBytes(3).toString('hex')}`;
  const kafka = new Kafka({
    clientId: id,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  let admin: Admin | undefined;
  let mongo: MongoClient | undefined;
  let redis: Redis | undefined;
  let mailbox: Mailbox | undefined;
  const mailDomain = `${id.replaceAll('_', '-')}.test`;

  const ns: Namespace = {
    id,
    config,
    topicPrefix: `${id}.`,
    topic: (name) => `${id}.${name}`,
    database: id,
    redisPrefix: `${id}:`,
    mailDomain,
    kafka,
    async admin() {
      if (!admin) {
        admin = kafka.admin();
        await admin.connect();
      }
      return admin;
    },
    async mongo() {
      if (!mongo) {
        mongo = new MongoClient(config.mongo.url);
        await mongo.connect();
      }
      return { client: mongo, db: mongo.db(id) };
    },
    redis() {
      if (!redis) redis = new Redis(config.redis.url, { lazyConnect: false });
      return redis;
    },
    mailbox() {
      if (!mailbox) mailbox = createMailbox(config, mailDomain);
      return mailbox;
    },
    async createTopics(topics) {
      const a = await ns.admin();
      const configs = topics.map(({ name, ...rest }) => ({
        numPartitions: 1,
        replicationFactor: 1,
        ...rest,
        topic: ns.topic(name),
      }));
      // Not `waitForLeaders: true`: on a freshly started KRaft broker that call can fail with "This server does not
      // host this topic-partition" while metadata propagates. Poll the metadata until every partition has a leader.
      await a.createTopics({ topics: configs, waitForLeaders: false });
      const names = configs.map((c) => c.topic);
      await eventually(
        async () => {
          const { topics: meta } = await a.fetchTopicMetadata({ topics: names });
          return (
            meta.length === names.length &&
            meta.every((m) => m.partitions.length > 0 && m.partitions.every((p) => p.leader >= 0))
          );
        },
        { timeoutMs: 30_000, message: `topics ${names.join(', ')} have leaders` },
      );
      return names;
    },
    async cleanup() {
      const errors: unknown[] = [];
      const attempt = async (fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (err) {
          errors.push(err);
        }
      };
      await attempt(async () => {
        const a = await ns.admin();
        const mine = (await a.listTopics()).filter((t) => t.startsWith(ns.topicPrefix));
        if (mine.length > 0) await a.deleteTopics({ topics: mine });
      });
      await attempt(async () => {
        const base = config.registry.url.replace(/\/$/, '');
        const res = await fetch(`${base}/subjects`);
        const subjects = (await res.json()) as string[];
        for (const s of subjects.filter((x) => x.startsWith(ns.topicPrefix))) {
          await fetch(`${base}/subjects/${encodeURIComponent(s)}`, { method: 'DELETE' });
          await fetch(`${base}/subjects/${encodeURIComponent(s)}?permanent=true`, { method: 'DELETE' });
        }
      });
      if (mongo) await attempt(() => mongo!.db(id).dropDatabase());
      if (redis) {
        await attempt(async () => {
          let cursor = '0';
          do {
            const [next, keys] = await redis!.scan(cursor, 'MATCH', `${ns.redisPrefix}*`, 'COUNT', 500);
            if (keys.length > 0) await redis!.del(...keys);
            cursor = next;
          } while (cursor !== '0');
        });
      }
      if (mailbox) await attempt(() => mailbox!.clear());
      await attempt(async () => admin?.disconnect());
      await attempt(async () => mongo?.close());
      redis?.disconnect();
      if (errors.length > 0) throw new AggregateError(errors, `cleanup of namespace ${id} failed`);
    },
  };
  return ns;
}
