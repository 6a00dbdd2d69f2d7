/** stripe-mock, Stripe's official API mock, installed from its Go module with its version stamped in. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '../component.ts';
import { requireTool } from '../prerequisites.ts';
import { startDetached } from '../processes.ts';
import { run, step } from '../steps.ts';

export const STRIPE_MOCK_VERSION = 'v0.203.0';

export const stripeMock: Component = {
  name: 'stripe-mock',
  origin: `Go module github.com/stripe/stripe-mock@${STRIPE_MOCK_VERSION}`,
  startTimeoutMs: 30_000,
  port: (ctx) => ctx.config.stack.ports.stripeMock,
  url: (ctx) => ctx.config.stripe.apiBase,
  managed: () => true,

  async prepare(ctx) {
    const bin = join(ctx.paths.bin, 'stripe-mock');
    const marker = `${bin}.${STRIPE_MOCK_VERSION}`;
    if (existsSync(bin) && existsSync(marker)) return;
    const go = requireTool('go', 'stripe-mock (installed from its Go module)');
    mkdirSync(ctx.paths.bin, { recursive: true });
    await step(ctx.say, 'stripe-mock', `Installing stripe-mock ${STRIPE_MOCK_VERSION} (go install)`, () =>
      run(
        go,
        [
          'install',
          '-trimpath',
          `-ldflags=-X main.version=${STRIPE_MOCK_VERSION}`,
          `github.com/stripe/stripe-mock@${STRIPE_MOCK_VERSION}`,
        ],
        { cwd: ctx.paths.stack, logFile: join(ctx.paths.logs, 'stripe-mock-build.log'), env: { GOBIN: ctx.paths.bin } },
      ),
    );
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  },

  async start(ctx) {
    const addr = `127.0.0.1:${ctx.config.stack.ports.stripeMock}`;
    // stripe-mock always serves HTTPS too (default :12112); pin it to the port after ours, on loopback.
    const httpsAddr = `127.0.0.1:${ctx.config.stack.ports.stripeMock + 1}`;
    return startDetached({
      name: 'stripe-mock',
      command: join(ctx.paths.bin, 'stripe-mock'),
      args: ['-http-addr', addr, '-https-addr', httpsAddr],
      cwd: ctx.paths.stack,
      marker: addr,
      runDir: ctx.paths.run,
      logDir: ctx.paths.logs,
    }).pid;
  },

  async probe(ctx) {
    const res = await fetch(`${ctx.config.stripe.apiBase}/v1/customers?limit=1`, {
      headers: { Authorization: `Bearer ${ctx.config.stripe.secretKey}` },
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) throw new Error(`GET /v1/customers answered ${res.status}`);
    return { healthy: true, version: res.headers.get('stripe-mock-version') ?? undefined };
  },
};
