/**
 * Mailpit, the local SMTP server with a web inbox and an HTTP API: the notification sender delivers to it, a
 * newcomer reads the demo's e-mails at its inbox, and tests assert on messages through its API
 * (packages/testkit/src/mailpit.ts). Built from its Go module, like FerretDB and stripe-mock.
 *
 * The module zip carries the web UI's sources (server/ui-src) but not the bundle the binary embeds
 * (server/ui/dist, built by Mailpit's release pipeline with npm and esbuild). We build that bundle from the
 * sources with npm, from `infra/local/mailpit-ui/` (Mailpit's own dependencies and the four build tools its
 * esbuild.config.mjs imports, locked here because Mailpit's lockfile pins versions the registry may not serve), then
 * `go build` the server with it. Should the UI build fail, the server is built without it: SMTP and the API are what
 * the platform and the tests need, and `stack status` says the web UI is missing.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Component, StackContext } from '../component.ts';
import { requireTool } from '../prerequisites.ts';
import { startDetached } from '../processes.ts';
import { run, step } from '../steps.ts';

export const MAILPIT_VERSION = 'v1.33.1';
const MAILPIT_MODULE = 'github.com/axllent/mailpit';
/** Mailpit drops the oldest messages beyond this; enough for a test run and a long demo. */
const MAX_MESSAGES = 5000;

/** The inbox and the HTTP API (`/api/v1/…`), on loopback. */
export function mailpitHttpUrl(ctx: StackContext): string {
  return `http://127.0.0.1:${ctx.config.stack.ports.mailpitHttp}`;
}

function chmodTreeWritable(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    const st = statSync(p);
    chmodSync(p, st.mode | 0o200);
    if (st.isDirectory()) chmodTreeWritable(p);
  }
  chmodSync(dir, statSync(dir).mode | 0o200);
}

/** npm builds server/ui/dist in the module copy `src`; false (and a line saying so) when it could not. */
async function buildWebUi(ctx: StackContext, src: string, logFile: string): Promise<boolean> {
  const npm = requireTool('npm', 'the Mailpit web UI (built with npm)');
  const inputs = join(ctx.paths.root, 'infra', 'local', 'mailpit-ui');
  try {
    await step(ctx.say, 'mailpit', 'Building the web UI (npm ci, esbuild; under a minute)', async () => {
      for (const f of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(inputs, f), join(src, f));
      // --ignore-scripts: the tarballs come from the registry and no package's install script runs (esbuild finds
      // its platform binary through its optional dependency without one). The .npmrc's legacy-peer-deps leaves out
      // the sass plugin's optional peer sass-embedded (a native compiler per platform): the plugin compiles with
      // the pure-JS `sass` by default. Workspaces off: the copy lives under the repository, whose root
      // package.json declares workspaces that must not capture this install; and --prefix, because under `npm start`
      // or `npx` the environment names the repository as npm's project (npm_config_local_prefix).
      const env = { npm_config_workspaces: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
      await run(npm, ['ci', '--prefix', src, '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: src,
        logFile,
        env,
      });
      await run(npm, ['run', 'package', '--prefix', src], { cwd: src, logFile, env });
    });
    return true;
  } catch (err) {
    ctx.say(`! mailpit: the web UI could not be built (${(err as Error).message}); building without it`);
    return false;
  }
}

/** The built binary, building it first when needed: tests run private Mailpits of their own with it. */
export async function mailpitBinary(ctx: StackContext): Promise<string> {
  await mailpit.prepare(ctx);
  return join(ctx.paths.bin, 'mailpit');
}

export const mailpit: Component = {
  name: 'mailpit',
  origin: `Go module ${MAILPIT_MODULE}@${MAILPIT_VERSION}, web UI built with npm; SMTP on STREAMSHOP_MAILPIT_SMTP_PORT`,
  startTimeoutMs: 30_000,
  port: (ctx) => ctx.config.stack.ports.mailpitHttp,
  url: mailpitHttpUrl,
  managed: () => true,

  async prepare(ctx) {
    const bin = join(ctx.paths.bin, 'mailpit');
    const marker = `${bin}.${MAILPIT_VERSION}`;
    if (existsSync(bin) && existsSync(marker)) return;
    const go = requireTool('go', 'Mailpit (built from its Go module)');
    const logFile = join(ctx.paths.logs, 'mailpit-build.log');
    const src = join(ctx.paths.downloads, `mailpit-${MAILPIT_VERSION}`);
    await step(ctx.say, 'mailpit', `Downloading Mailpit ${MAILPIT_VERSION} from the Go module proxy`, async () => {
      await run(go, ['mod', 'download', `${MAILPIT_MODULE}@${MAILPIT_VERSION}`], {
        cwd: ctx.paths.stack,
        logFile,
        env: { GOFLAGS: '-mod=mod' },
      });
      const json = execFileSync(go, ['mod', 'download', '-json', `${MAILPIT_MODULE}@${MAILPIT_VERSION}`], {
        cwd: ctx.paths.stack,
        encoding: 'utf8',
      });
      rmSync(src, { recursive: true, force: true });
      cpSync((JSON.parse(json) as { Dir: string }).Dir, src, { recursive: true });
      chmodTreeWritable(src); // the module cache is read-only
    });
    const withUi = await buildWebUi(ctx, src, logFile);
    await step(ctx.say, 'mailpit', `Building Mailpit ${MAILPIT_VERSION} (go build, a few minutes cold)`, async () => {
      mkdirSync(ctx.paths.bin, { recursive: true });
      // Pure Go (its SQLite is modernc.org/sqlite), so no C toolchain; the version stamped as its release does.
      await run(
        go,
        ['build', '-trimpath', `-ldflags=-s -w -X ${MAILPIT_MODULE}/config.Version=${MAILPIT_VERSION}`, '-o', bin, '.'],
        { cwd: src, logFile, env: { CGO_ENABLED: '0' } },
      );
    });
    writeFileSync(marker, `${new Date().toISOString()} ${withUi ? 'with' : 'without'} web UI\n`);
    rmSync(src, { recursive: true, force: true });
  },

  async start(ctx) {
    const { mailpitSmtp, mailpitHttp } = ctx.config.stack.ports;
    const data = join(ctx.paths.data, 'mailpit');
    mkdirSync(data, { recursive: true });
    const database = join(data, 'mailpit.db');
    return startDetached({
      name: 'mailpit',
      command: join(ctx.paths.bin, 'mailpit'),
      args: [
        '--smtp',
        `127.0.0.1:${mailpitSmtp}`,
        '--listen',
        `127.0.0.1:${mailpitHttp}`,
        '--database',
        database,
        '--max',
        String(MAX_MESSAGES),
        // No call home for a newer release; no reverse DNS of 127.0.0.1 per connection.
        '--disable-version-check',
        '--smtp-disable-rdns',
        // An SMTP_URL with a user and password (as production's has) is accepted too, over plain SMTP on loopback.
        '--smtp-auth-accept-any',
        '--smtp-auth-allow-insecure',
      ],
      cwd: data,
      marker: database,
      runDir: ctx.paths.run,
      logDir: ctx.paths.logs,
    }).pid;
  },

  async probe(ctx) {
    const base = mailpitHttpUrl(ctx);
    const res = await fetch(`${base}/api/v1/info`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`GET /api/v1/info answered ${res.status}`);
    const info = (await res.json()) as { Version?: string };
    // The inbox page itself is served without its bundle when the UI could not be built: ask for the bundle.
    const ui = await fetch(`${base}/dist/app.js`, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    return { healthy: true, version: `${info.Version ?? 'unknown'}${ui.ok ? '' : ' (web UI not built)'}` };
  },
};
