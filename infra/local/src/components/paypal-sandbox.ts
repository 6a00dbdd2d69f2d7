/**
 * The PayPal sandbox (paypal-sandbox/server.ts): our own node:http stand-in for PayPal's REST API, run with the
 * repository's tsx like any workspace script. Nothing to download or build; its state lives in memory.
 */
import { join } from 'node:path';
import type { Component } from '../component.ts';
import { PAYPAL_SANDBOX_VERSION } from '../paypal-sandbox/server.ts';
import { startDetached } from '../processes.ts';

const MAIN = join('infra', 'local', 'src', 'paypal-sandbox', 'main.ts');

export const paypalSandbox: Component = {
  name: 'paypal-sandbox',
  origin: `streamshop's own PayPal REST sandbox ${PAYPAL_SANDBOX_VERSION} (infra/local/src/paypal-sandbox)`,
  startTimeoutMs: 30_000,
  port: (ctx) => ctx.config.stack.ports.paypalSandbox,
  url: (ctx) => `http://127.0.0.1:${ctx.config.stack.ports.paypalSandbox}`,
  managed: () => true,
  hostProcess: true,

  async prepare() {},

  async start(ctx) {
    const main = join(ctx.paths.root, MAIN);
    return startDetached({
      name: 'paypal-sandbox',
      command: process.execPath,
      // `--import tsx` resolves from the working directory: the repository root, where tsx is installed.
      args: ['--import', 'tsx', main],
      cwd: ctx.paths.root,
      // The settings it serves with come from the caller's configuration, not whatever the environment holds.
      env: {
        STREAMSHOP_PAYPAL_SANDBOX_PORT: String(ctx.config.stack.ports.paypalSandbox),
        PAYPAL_CLIENT_ID: ctx.config.paypal.clientId,
        PAYPAL_CLIENT_SECRET: ctx.config.paypal.clientSecret,
        PAYPAL_WEBHOOK_ID: ctx.config.paypal.webhookId,
        ...(ctx.config.stack.paypalSandboxWebhookUrl
          ? { PAYPAL_SANDBOX_WEBHOOK_URL: ctx.config.stack.paypalSandboxWebhookUrl }
          : {}),
      },
      marker: main,
      runDir: ctx.paths.run,
      logDir: ctx.paths.logs,
    }).pid;
  },

  async probe(ctx) {
    const res = await fetch(`http://127.0.0.1:${ctx.config.stack.ports.paypalSandbox}/sandbox/health`, {
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) throw new Error(`GET /sandbox/health answered ${res.status}`);
    const body = (await res.json()) as { status?: string; version?: string };
    if (body.status !== 'UP') throw new Error(`GET /sandbox/health: status ${body.status}`);
    return { healthy: true, version: body.version };
  },
};
