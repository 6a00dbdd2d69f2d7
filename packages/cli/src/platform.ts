/**
 * The whole platform in one process, as README's first command runs it: the local stack (idempotent), the topics,
 * the command services, the projection workers, the storefront build, the gateway serving the storefront and
 * the API, and the demo catalog, then a wait until the catalog shows through the gateway. `streamshop up` runs
 * it in the foreground; the platform test runs it in a namespace.
 *
 * Every part is the same `start…` factory that part's own `main.ts` runs alone, so this module only decides the
 * order and undoes it: a part that fails to start (or an abort) stops whatever had started, newest first.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CATALOG } from '@streamshop/catalog-service/seed';
import { allOf, ensureCatalogTopics } from '@streamshop/command-service';
import { type Config, requireProductionSecrets } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { GatewayConfigError, startGateway } from '@streamshop/gateway/main';
import { startProjections } from '@streamshop/projections/main';
import { repoRoot, StepError, stackPaths, up } from '@streamshop/stack';
import { type Logger, pino } from 'pino';
import { SERVICES } from './run.command.ts';
import { describeSeed, seed } from './seed.command.ts';

export interface PlatformOptions {
  /** Topic prefix (also consumer groups, transactional ids, registry subjects): isolated environments, tests. */
  prefix?: string;
  /** MongoDB database of the read models; default: derived from `prefix` (`t_x.` → `t_x`), else `config.mongo.database`. */
  database?: string;
  /** Prefix of the read side's Redis keys and channels; default: derived from `prefix` (`t_x.` → `t_x:`), else none. */
  redisPrefix?: string;
  logger?: Logger;
  /** Progress lines for people (the CLI prints them); default: none. */
  say?: (line: string) => void;
  /** Seed the demo catalog and wait until the gateway lists it (default true). */
  seed?: boolean;
  /** The gateway's port; default `config.gateway.port` (GATEWAY_PORT, 18080); 0 picks a free one (see `url`). */
  port?: number;
  /** Build the storefront when storefront/dist is missing or older than its sources (default), or never. */
  storefront?: 'build' | 'skip';
  /** How long the seeded catalog may take to appear through the gateway (default 90 s). */
  readyTimeoutMs?: number;
  /** Aborting stops whatever has started and rejects with PlatformAborted. */
  signal?: AbortSignal;
}

export interface Platform {
  /** Where the gateway serves the storefront and the API, e.g. http://127.0.0.1:18080. */
  url: string;
  /** Mailpit's web inbox, where the e-mails the shop sends can be read, when they go to the stack's Mailpit. */
  inboxUrl: string | undefined;
  /** Stops the gateway, the projection workers and the services (newest first); the stack keeps running. */
  stop(): Promise<void>;
}

/** The start was aborted (Ctrl-C while starting); everything that had started is stopped. */
export class PlatformAborted extends Error {
  override name = 'PlatformAborted';
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

export async function startPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  // The gateway, the payment and notification services run here: outside dev mode they need real secrets (and no
  // local Mailpit), checked before any start.
  requireProductionSecrets(config, ['gateway', 'payment-service', 'notification-service']);
  const prefix = options.prefix ?? '';
  const say = options.say ?? (() => {});
  const logger = options.logger ?? pino({ level: config.logLevel });
  // The projections write the read models where the gateway reads them: one database and one Redis prefix, by
  // default derived from the topic prefix as the testkit's namespaces name them (`t_x.` → `t_x`, `t_x:`).
  const id = prefix.replace(/[.:]+$/, '');
  const readSide = {
    database: options.database ?? (id || config.mongo.database),
    redisPrefix: options.redisPrefix ?? (id ? `${id}:` : ''),
  };

  const started: { name: string; runnable: Runnable }[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const { name, runnable } of started.splice(0).reverse()) {
      try {
        await runnable.stop();
      } catch (err) {
        errors.push(err);
        logger.error({ err, part: name }, 'failed to stop');
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} part(s) of the platform failed to stop`);
  };
  const checkAborted = () => {
    if (options.signal?.aborted) throw new PlatformAborted('stopped while starting');
  };
  // Registered before it starts: a part that fails half-way (some workers up) is stopped like the others.
  const startPart = async (name: string, runnable: Runnable) => {
    checkAborted();
    started.push({ name, runnable });
    await runnable.start();
  };

  let build: StorefrontBuild | undefined;
  try {
    let t = Date.now();
    say('› stack: starting whatever is not running…');
    const stack = await up(config, { say: (line) => say(`  ${line}`) });
    say(
      `✓ stack: ${stack.started.length > 0 ? `started ${stack.started.join(', ')}` : 'already running'} (${seconds(t)})`,
    );
    checkAborted();

    t = Date.now();
    const topics = await ensureCatalogTopics(config, logger, prefix);
    say(`✓ topics: ${topics.created.length} created, ${topics.verified.length} verified (${seconds(t)})`);

    // The build is the slowest step on a cold machine and needs nothing running: it overlaps the starts below.
    const dist = join(repoRoot(), 'storefront', 'dist');
    if (options.storefront !== 'skip' && storefrontStale()) {
      say('› storefront: building (vite build)…');
      build = buildStorefront(logFileFor(config, 'storefront-build'));
    } else if (options.storefront !== 'skip') say('✓ storefront: up to date (storefront/dist)');

    t = Date.now();
    const names = Object.keys(SERVICES) as (keyof typeof SERVICES)[];
    await startPart('services', allOf(names.map((name) => SERVICES[name](config, { prefix, logger }))));
    say(`✓ services: ${names.join(', ')} (${seconds(t)})`);

    t = Date.now();
    const projections = startProjections(config, { prefix, logger, ...readSide });
    await startPart('projections', projections);
    say(`✓ projections: ${projections.models.join(', ')} (${seconds(t)})`);

    if (build) {
      await build.done;
      say(`✓ storefront: built (${seconds(build.startedAt)})`);
    }
    const staticDir = existsSync(join(dist, 'index.html')) ? dist : undefined;
    if (!staticDir) say('! storefront: not built (storefront/dist is missing); the gateway serves the API only');

    t = Date.now();
    const gateway = startGateway(config, {
      prefix,
      logger,
      ...readSide,
      ...(staticDir ? { staticDir } : {}),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    await startPart('gateway', gateway).catch((err: unknown) => {
      throw err instanceof GatewayConfigError ? new StepError(err.message) : err;
    });
    say(`✓ gateway: ${gateway.url} (${seconds(t)})`);

    if (options.seed !== false) {
      t = Date.now();
      checkAborted();
      const report = await seed(config, { prefix, logger });
      say(`✓ ${describeSeed(report)} (${seconds(t)})`);
      t = Date.now();
      const listed = await waitForCatalog(
        gateway.url,
        DEMO_CATALOG.length,
        options.readyTimeoutMs ?? 90_000,
        options.signal,
      );
      say(`✓ catalog: ${listed} products listed at ${gateway.url}/api/products (${seconds(t)})`);
    }
    return { url: gateway.url, inboxUrl: localInboxUrl(config), stop: stopAll };
  } catch (err) {
    build?.kill();
    await stopAll().catch((stopErr) => logger.error({ err: stopErr }, 'failed to stop after a failed start'));
    throw err;
  }
}

/** The stack's Mailpit inbox when the notification sender's SMTP_URL is the stack's Mailpit (dev mode's default). */
export function localInboxUrl(config: Config): string | undefined {
  const smtp = new URL(config.notifications.smtpUrl);
  const toStack =
    ['127.0.0.1', 'localhost'].includes(smtp.hostname) && Number(smtp.port) === config.stack.ports.mailpitSmtp;
  return toStack ? `http://localhost:${config.stack.ports.mailpitHttp}` : undefined;
}

/** Polls the gateway's product list until it shows `count` products (the projection has caught up). */
async function waitForCatalog(url: string, count: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  let lastProblem = '';
  for (;;) {
    if (signal?.aborted) throw new PlatformAborted('stopped while starting');
    try {
      const res = await fetch(`${url}/api/products?limit=100`);
      if (res.ok) {
        seen = ((await res.json()) as { items: unknown[] }).items.length;
        if (seen >= count) return seen;
      } else lastProblem = `GET /api/products answered ${res.status}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw new StepError(
        `the gateway lists ${seen} of the ${count} seeded products after ${Math.round(timeoutMs / 1000)} s${lastProblem ? ` (${lastProblem})` : ''}; the products projection is behind or failing: see the platform log`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `.stack/logs/<name>.log`, where the stack keeps its servers' logs. */
export function logFileFor(config: Config, name: string): string {
  const { logs } = stackPaths(config.stack.dir);
  mkdirSync(logs, { recursive: true });
  return join(logs, `${name}.log`);
}

/** The newest modification time under `path` (a file, or a directory walked recursively; 0 when missing). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when storefront/dist is missing or older than anything the build reads. */
export function storefrontStale(root = repoRoot()): boolean {
  const dir = join(root, 'storefront');
  const output = join(dir, 'dist', 'index.html');
  if (!existsSync(output)) return true;
  const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(dir, p));
  return Math.max(...inputs.map(newestMtime)) > statSync(output).mtimeMs;
}

interface StorefrontBuild {
  startedAt: number;
  done: Promise<void>;
  kill(): void;
}

/** `npm run build -w @streamshop/storefront`, its output in `logFile`; rejects with the log's last lines. */
function buildStorefront(logFile: string): StorefrontBuild {
  const fd = openSync(logFile, 'w');
  const child = spawn('npm', ['run', 'build', '-w', '@streamshop/storefront'], {
    cwd: repoRoot(),
    stdio: ['ignore', fd, fd],
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => reject(new StepError(`cannot run npm to build the storefront: ${err.message}`)));
    child.on('exit', (code, signal) => {
      closeSync(fd);
      if (code === 0) return resolve();
      const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
      reject(
        new StepError(
          `the storefront build failed (${code ?? signal}); its output (${logFile}) ends with:\n${tail}\nFix the error, or start without it: streamshop up --no-storefront`,
          logFile,
        ),
      );
    });
  });
  // Awaited only once the services are up; until then a failure must not count as unhandled.
  done.catch(() => {});
  return {
    startedAt: Date.now(),
    done,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
