/**
 * Issue 10 "fail closed", as an outsider meets it:
 * - the gateway and the payment service started as processes (`tsx …/main.ts`) refuse to start outside dev mode with
 *   missing or local-stack secrets, naming every variable; dev mode refuses a non-loopback listener; dev mode on
 *   loopback serves the dev sign-in; real secrets without dev mode serve neither the dev sign-in nor test payments;
 * - the rate limiter counts requests with a bad token (token guessing is limited), and a forged X-Forwarded-For does
 *   not buy a fresh bucket unless that many proxy hops are trusted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '@streamshop/config';
import { createNamespace, eventually } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import { activateGeneration1, clerkInstance, startTestGateway, withConfig } from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
let clerk: Awaited<ReturnType<typeof clerkInstance>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  clerk = await clerkInstance();
  const { db } = await ns.mongo();
  await activateGeneration1(db, ns, ['products', 'orders', 'sales', 'inventory']);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await ns.cleanup();
});

/** Non-default values for every secret, as an operator would set them (none is used before a payment). */
function realSecrets(jwtKey: string): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: 'sk_test_51OperatorOwnTestKey',
    STRIPE_API_BASE: 'https://api.stripe.com',
    STRIPE_WEBHOOK_SECRET: 'whsec_operatorsigningsecret',
    PAYPAL_API_BASE: 'https://api-m.sandbox.paypal.com',
    PAYPAL_CLIENT_ID: 'OperatorPayPalClientId',
    PAYPAL_CLIENT_SECRET: 'OperatorPayPalClientSecret',
    PAYPAL_WEBHOOK_ID: '1JE4291016473214C',
    CLERK_JWT_KEY: jwtKey,
  };
}

/**
 * A clean environment: PATH and the stack this test uses (so a process that wrongly starts reaches this test's
 * database, not a developer's), and nothing else — no STREAMSHOP_DEV_MODE, no secrets.
 */
function cleanEnv(config: Config, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    STREAMSHOP_LOG_LEVEL: 'warn',
    KAFKA_BROKERS: config.kafka.brokers.join(','),
    MONGODB_URL: config.mongo.url,
    MONGODB_DATABASE: ns.database,
    REDIS_URL: config.redis.url,
    SCHEMA_REGISTRY_URL: config.registry.url,
    ...extra,
  };
}

function run(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The exit of a process that must refuse to start; one that keeps running instead fails the test at the ceiling. */
async function refusal(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const p = run(script, env);
  const code = await Promise.race([
    p.exited,
    new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 60_000).unref()),
  ]);
  if (code === 'running') {
    p.child.kill('SIGKILL');
    throw new Error(`${script} started instead of refusing; it printed:\n${p.output()}`);
  }
  return { code, output: p.output() };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Starts `tsx gateway/src/main.ts` on a free loopback port and waits until /health answers. */
async function gatewayProcess(env: Record<string, string>) {
  const port = await freePort();
  const p = run('gateway/src/main.ts', { ...env, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (p.child.exitCode !== null) throw new Error(`the gateway exited ${p.child.exitCode}:\n${p.output()}`);
      return (await fetch(`${url}/health`)).ok;
    },
    { timeoutMs: 90_000, intervalMs: 250, message: 'gateway process healthy' },
  );
  return {
    url,
    async stop() {
      p.child.kill('SIGTERM');
      await p.exited;
    },
  };
}

const SECRET_VARIABLES = [
  'STRIPE_SECRET_KEY',
  'STRIPE_API_BASE',
  'STRIPE_WEBHOOK_SECRET',
  'PAYPAL_API_BASE',
  'PAYPAL_CLIENT_ID',
  'PAYPAL_CLIENT_SECRET',
  'PAYPAL_WEBHOOK_ID',
  'CLERK_JWT_KEY',
];

describe('fail-closed start (processes)', () => {
  it('outside dev mode the gateway refuses the local-stack secrets, naming every variable, and exits non-zero', async () => {
    const { code, output } = await refusal('gateway/src/main.ts', cleanEnv(ns.config));
    expect(code).not.toBe(0);
    for (const variable of SECRET_VARIABLES) expect(output).toContain(variable);
    expect(output).toContain('CLERK_SECRET_KEY');
    expect(output).toContain('STREAMSHOP_DEV_MODE=1');
  });

  it('outside dev mode the payment service refuses the local-stack Stripe and PayPal credentials', async () => {
    const { code, output } = await refusal('services/payment/src/main.ts', cleanEnv(ns.config));
    expect(code).not.toBe(0);
    for (const variable of ['STRIPE_SECRET_KEY', 'STRIPE_API_BASE', 'PAYPAL_API_BASE', 'PAYPAL_CLIENT_ID']) {
      expect(output).toContain(variable);
    }
    expect(output).toContain('PAYPAL_CLIENT_SECRET');
  });

  it('dev mode refuses a listener other machines can reach', async () => {
    const { code, output } = await refusal(
      'gateway/src/main.ts',
      cleanEnv(ns.config, { STREAMSHOP_DEV_MODE: '1', GATEWAY_HOST: '0.0.0.0' }),
    );
    expect(code).not.toBe(0);
    expect(output).toContain('GATEWAY_HOST');
    expect(output).toContain('STREAMSHOP_DEV_MODE');
  });

  it('dev mode refuses production', async () => {
    const { code, output } = await refusal(
      'gateway/src/main.ts',
      cleanEnv(ns.config, { STREAMSHOP_DEV_MODE: '1', STREAMSHOP_ENV: 'production' }),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(/STREAMSHOP_DEV_MODE.*STREAMSHOP_ENV=production/);
  });

  it('dev mode on loopback serves the dev sign-in and test-mode payments', async () => {
    const gateway = await gatewayProcess(cleanEnv(ns.config, { STREAMSHOP_DEV_MODE: '1' }));
    try {
      const login = await fetch(`${gateway.url}/api/dev/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'user_demo_shopper' }),
      });
      expect(login.status).toBe(200);
      const config = (await (await fetch(`${gateway.url}/api/config`)).json()) as {
        auth: string;
        stripeTestMode: boolean;
      };
      expect(config).toMatchObject({ auth: 'dev', stripeTestMode: true });
      // The test-mode route exists (it asks for a token), unlike below.
      const pay = await fetch(`${gateway.url}/api/orders/ord_x/payment/stripe/test-succeed`, { method: 'POST' });
      expect(pay.status).toBe(401);
    } finally {
      await gateway.stop();
    }
  });

  it('real secrets without dev mode: no dev sign-in, no test-mode payments (404)', async () => {
    const gateway = await gatewayProcess(cleanEnv(ns.config, realSecrets(clerk.jwtKey)));
    try {
      const login = await fetch(`${gateway.url}/api/dev/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'user_demo_admin' }),
      });
      expect(login.status).toBe(404);
      expect((await fetch(`${gateway.url}/api/dev/users`)).status).toBe(404);
      const token = await clerk.token('user_shopper');
      const pay = await fetch(`${gateway.url}/api/orders/ord_x/payment/stripe/test-succeed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(pay.status).toBe(404);
      const config = (await (await fetch(`${gateway.url}/api/config`)).json()) as {
        auth: string;
        stripeTestMode: boolean;
      };
      expect(config).toMatchObject({ auth: 'clerk', stripeTestMode: false });
    } finally {
      await gateway.stop();
    }
  });
});

describe('rate limits', () => {
  let gateway: GatewayRunnable;
  let proxied: GatewayRunnable;

  beforeAll(async () => {
    const limited = { rateLimit: { perMinute: 3, commandsPerMinute: 3, loginsPerMinute: 3 } };
    // Production, with the proxy setting left at its default: X-Forwarded-For must not be believed.
    gateway = await startTestGateway(
      ns,
      withConfig(ns.config, { env: 'production', devMode: false, clerk: { jwtKey: clerk.jwtKey }, gateway: limited }),
      { redisPrefix: `${ns.redisPrefix}direct:` },
    );
    proxied = await startTestGateway(
      ns,
      withConfig(ns.config, {
        env: 'production',
        devMode: false,
        clerk: { jwtKey: clerk.jwtKey },
        gateway: { ...limited, trustedProxyHops: 1 },
      }),
      { redisPrefix: `${ns.redisPrefix}proxied:` },
    );
  });

  afterAll(async () => {
    await Promise.allSettled([gateway?.stop(), proxied?.stop()]);
  });

  it('counts requests with a bad token: guessing tokens ends in 429, not 401 forever', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await gateway.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer guess.${i}.token` },
        remoteAddress: '10.9.0.1',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('a forged X-Forwarded-For does not buy a fresh bucket when no proxy is trusted', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await gateway.app.inject({
        method: 'GET',
        url: '/api/categories',
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
        remoteAddress: '10.9.0.2',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('behind one trusted proxy the client is the address that proxy appended, whatever the client forged', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await proxied.app.inject({
        method: 'GET',
        url: '/api/categories',
        // The client forges the left part; the proxy (10.9.0.3) appends the address it saw.
        headers: { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` },
        remoteAddress: '10.9.0.3',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Another client behind the same proxy has its own bucket.
    const other = await proxied.app.inject({
      method: 'GET',
      url: '/api/categories',
      headers: { 'x-forwarded-for': '198.51.100.8' },
      remoteAddress: '10.9.0.3',
    });
    expect(other.statusCode).toBe(200);
  });
});
