/**
 * `/ready` with every dependency down, reached through the real clients (Kafka, MongoDB and Redis drivers pointed at
 * a port nothing listens on): each check answers a stable code, and the drivers' text — which names the hosts and
 * ports behind the gateway — reaches only the log.
 */
import { createKafka } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandBus } from '../src/adapters/command-bus.ts';
import { createReplyWaiter } from '../src/adapters/reply-waiter.ts';
import type { GatewayContext } from '../src/app.ts';
import { healthRoutes } from '../src/routes/health.routes.ts';

const DEAD = '127.0.0.1:1';
const logged: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(line) });
const mongo = new MongoClient(`mongodb://${DEAD}/`, { serverSelectionTimeoutMS: 300 });
const redis = new Redis(`redis://${DEAD}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
redis.on('error', () => {});
const kafka = createKafka({ brokers: [DEAD], clientId: 'readiness-test' }, pino({ level: 'silent' }));
const serde = new AvroSerde({ registryUrl: `http://${DEAD}`, prefix: '' });

afterAll(async () => {
  redis.disconnect();
  await mongo.close();
});

describe('/ready', () => {
  it('answers a stable code per failed check and logs the detail', async () => {
    const app = Fastify({ loggerInstance: logger });
    const ctx = {
      commands: createCommandBus({ kafka, serde, prefix: '' }),
      replies: createReplyWaiter({ kafka, serde, topic: 'commerce.command-replies', groupPrefix: '', logger }),
      db: mongo.db('readiness'),
      redis,
    } as unknown as GatewayContext;
    await app.register(healthRoutes, ctx);
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    const body = res.json() as { status: string; checks: Record<string, { status: string; code?: string }> };
    expect(body.status).toBe('not_ready');
    for (const name of ['kafka', 'mongo', 'redis', 'replies']) {
      expect(body.checks[name]?.status).toBe('down');
      expect(['unreachable', 'timeout', 'not_assigned']).toContain(body.checks[name]?.code);
    }
    expect(body.checks.replies?.code).toBe('not_assigned');
    // Nothing about the infrastructure behind the gateway, in any form.
    expect(res.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|Stream isn't writeable|:1\b/);
    // The operator still learns what failed.
    expect(logged.join('\n')).toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    await app.close();
  });
});
