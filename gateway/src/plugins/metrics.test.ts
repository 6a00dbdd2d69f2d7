import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { metricsPlugin } from './metrics.ts';

describe('/metrics', () => {
  it('exposes the broker answers the Kafka clients retried, by type, as a counter', async () => {
    let retried: [string, number][] = [['CONCURRENT_TRANSACTIONS', 3]];
    const app = Fastify();
    await app.register(metricsPlugin, {
      cacheStats: () => ({ hits: 0, misses: 0 }),
      openStreams: () => 0,
      kafkaRetriedAnswers: () => retried,
    });
    const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;

    const first = await scrape();
    expect(first).toContain('# TYPE streamshop_kafka_retried_answers_total counter');
    expect(first).toMatch(/^streamshop_kafka_retried_answers_total\{type="CONCURRENT_TRANSACTIONS"\} 3$/m);

    retried = [
      ['CONCURRENT_TRANSACTIONS', 4],
      ['NOT_LEADER_OR_FOLLOWER', 1],
    ];
    const second = await scrape();
    expect(second).toMatch(/^streamshop_kafka_retried_answers_total\{type="CONCURRENT_TRANSACTIONS"\} 4$/m);
    expect(second).toMatch(/^streamshop_kafka_retried_answers_total\{type="NOT_LEADER_OR_FOLLOWER"\} 1$/m);
    await app.close();
  });
});
