import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, STACK_DEFAULT_PORTS } from './index.ts';

describe('loadConfig', () => {
  it('defaults to the local stack', () => {
    const c = loadConfig({});
    expect(c.kafka.brokers).toEqual([`127.0.0.1:${STACK_DEFAULT_PORTS.kafka}`]);
    expect(c.mongo.url).toBe(`mongodb://127.0.0.1:${STACK_DEFAULT_PORTS.mongodb}/`);
    expect(c.redis.url).toBe(`redis://127.0.0.1:${STACK_DEFAULT_PORTS.redis}`);
    expect(c.registry.url).toBe(`http://127.0.0.1:${STACK_DEFAULT_PORTS.registry}/apis/ccompat/v7`);
    expect(c.stack.externalMongo).toBe(false);
    expect(c.env).toBe('development');
  });

  it('derives client URLs from overridden ports', () => {
    const c = loadConfig({ STREAMSHOP_KAFKA_PORT: '29092', STREAMSHOP_REDIS_PORT: '26379' });
    expect(c.kafka.brokers).toEqual(['127.0.0.1:29092']);
    expect(c.redis.url).toBe('redis://127.0.0.1:26379');
  });

  it('parses a broker list', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:1, b.example:9092' }).kafka.brokers).toEqual(['a:1', 'b.example:9092']);
  });

  it('names the variable when a value is invalid', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'nonsense' })).toThrow(
      /KAFKA_BROKERS="nonsense": expected a comma-separated list of host:port/,
    );
  });

  it('reports every invalid variable at once', () => {
    try {
      loadConfig({ STREAMSHOP_REDIS_PORT: '70000', MONGODB_URL: 'http://x', STREAMSHOP_ENV: 'prod' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const vars = (err as ConfigError).problems.map((p) => p.variable).sort();
      expect(vars).toEqual(['MONGODB_URL', 'STREAMSHOP_ENV', 'STREAMSHOP_REDIS_PORT']);
    }
  });

  it('points PayPal at the local sandbox unless PAYPAL_API_BASE is given', () => {
    const d = loadConfig({});
    expect(d.paypal.apiBase).toBe(`http://127.0.0.1:${STACK_DEFAULT_PORTS.paypalSandbox}`);
    expect(d.stack.paypalSandboxWebhookUrl).toBeUndefined();
    expect(loadConfig({ STREAMSHOP_PAYPAL_SANDBOX_PORT: '28090' }).paypal.apiBase).toBe('http://127.0.0.1:28090');
    const live = loadConfig({ PAYPAL_API_BASE: 'https://api-m.paypal.com', PAYPAL_WEBHOOK_ID: '1JE4291016473214C' });
    expect(live.paypal).toMatchObject({ apiBase: 'https://api-m.paypal.com', webhookId: '1JE4291016473214C' });
    expect(() => loadConfig({ PAYPAL_SANDBOX_WEBHOOK_URL: 'nope' })).toThrow(/PAYPAL_SANDBOX_WEBHOOK_URL="nope"/);
  });

  it('treats MONGODB_URL as an external server', () => {
    const c = loadConfig({ MONGODB_URL: 'mongodb://db.internal:27017/' });
    expect(c.stack.externalMongo).toBe(true);
    expect(c.mongo.url).toBe('mongodb://db.internal:27017/');
  });

  it('points clients at the docker stack when STREAMSHOP_STACK=docker', () => {
    const c = loadConfig({ STREAMSHOP_STACK: 'docker' });
    expect(c.registry.url).toBe(`http://127.0.0.1:${STACK_DEFAULT_PORTS.registry}`);
    expect(c.mongo.url).toBe(`mongodb://127.0.0.1:${STACK_DEFAULT_PORTS.mongodb}/?directConnection=true`);
  });

  it('defaults the order timers and reads them in milliseconds', () => {
    const d = loadConfig({});
    expect(d.orders).toMatchObject({ paymentTimeoutMs: 30 * 60_000, reservationTtlMs: 60 * 60_000 });
    expect(d.timers.intervalMs).toBe(5_000);
    const c = loadConfig({
      ORDER_PAYMENT_TIMEOUT_MS: '1500',
      ORDER_RESERVATION_TTL_MS: '60000',
      TIMER_INTERVAL_MS: '200',
    });
    expect(c.orders).toMatchObject({ paymentTimeoutMs: 1500, reservationTtlMs: 60_000 });
    expect(c.timers.intervalMs).toBe(200);
    expect(() => loadConfig({ TIMER_INTERVAL_MS: '0' })).toThrow(
      /TIMER_INTERVAL_MS="0": expected a duration of at least 1 ms/,
    );
  });

  it('reads NOTIFY_NOT_BEFORE as an instant, unset by default', () => {
    expect(loadConfig({}).notifications.notBefore).toBeUndefined();
    expect(loadConfig({ NOTIFY_NOT_BEFORE: '2026-03-01T10:00:00+01:00' }).notifications.notBefore).toBe(
      Date.UTC(2026, 2, 1, 9),
    );
    expect(() => loadConfig({ NOTIFY_NOT_BEFORE: '2026-03-01' })).toThrow(/NOTIFY_NOT_BEFORE="2026-03-01"/);
  });
});
