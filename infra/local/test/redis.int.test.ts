/** Redis through ioredis: values with a TTL, and pub/sub (the read side's change notices). */
import { createNamespace, eventually } from '@streamshop/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const ns = createNamespace(import.meta.url);
afterAll(() => ns.cleanup());

describe('redis', () => {
  it('sets and gets with a TTL, and expires', async () => {
    const redis = ns.redis();
    const key = `${ns.redisPrefix}product:p1`;
    await redis.set(key, JSON.stringify({ name: 'Mug' }), 'PX', 400);
    expect(JSON.parse((await redis.get(key))!)).toEqual({ name: 'Mug' });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(400);
    await eventually(async () => (await redis.get(key)) === null, { message: 'the key expires' });
  });

  it('delivers published messages to subscribers', async () => {
    const sub = ns.redis().duplicate();
    const channel = `${ns.redisPrefix}changes:orders`;
    const got: string[] = [];
    sub.on('message', (ch, msg) => ch === channel && got.push(msg));
    await sub.subscribe(channel);
    await ns.redis().publish(channel, 'o1@3');
    await eventually(() => got.length === 1, { message: 'the subscriber receives the notice' });
    expect(got).toEqual(['o1@3']);
    sub.disconnect();
  });
});
