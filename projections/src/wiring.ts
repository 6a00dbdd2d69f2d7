/**
 * What the projection workers and the operator's tools need before they fold anything: Kafka, the Avro serde,
 * the MongoDB database, Redis and the read cache, all named under the deployment's prefixes (tests isolate
 * themselves with a topic prefix, their own database and a Redis key prefix).
 */
import { serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import type { FoldDeps } from '@streamshop/projection-runtime';
import { createReadCache, type ReadCache } from '@streamshop/read-cache';
import { Redis } from 'ioredis';
import type { ConsumerConfig } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';

export interface ReadSideOptions {
  /** Topic prefix (and consumer group prefix). */
  prefix?: string;
  /** MongoDB database (default: the configured one). */
  database?: string;
  /** Redis key prefix (default none). */
  redisPrefix?: string;
  logger?: Logger;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
}

export interface ReadSide extends FoldDeps {
  cache: ReadCache;
  redis: Redis;
  close(): Promise<void>;
}

export async function readSideWiring(config: Config, options: ReadSideOptions = {}): Promise<ReadSide> {
  const w = serviceWiring(config, 'projections', options);
  const mongo = new MongoClient(config.mongo.url);
  await mongo.connect();
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3, lazyConnect: false });
  const cache = createReadCache({ redis, prefix: options.redisPrefix ?? '', logger: w.logger });
  return {
    kafka: w.kafka,
    serde: w.serde,
    db: mongo.db(options.database ?? config.mongo.database),
    cache,
    redis,
    logger: w.logger,
    prefix: options.prefix ?? '',
    async close() {
      await mongo.close();
      redis.disconnect();
    },
  };
}
