/**
 * `stack up | down | status | logs`: the local stack's lifecycle. `up` is idempotent: a component whose recorded
 * process is alive and healthy is left alone, so running it twice starts nothing. Components are prepared
 * (downloaded/built) and started in parallel, and `up` returns only when every one answers its health probe.
 * `down` stops exactly the processes `up` recorded, by pid (and process group).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@streamshop/config';
import type { Component, ComponentName, StackContext } from './component.ts';
import { kafka } from './components/kafka.ts';
import { mailpit } from './components/mailpit.ts';
import { mongodb } from './components/mongodb.ts';
import { paypalSandbox } from './components/paypal-sandbox.ts';
import { redis } from './components/redis.ts';
import { registry } from './components/registry.ts';
import { stripeMock } from './components/stripe-mock.ts';
import { dockerDown, dockerUp } from './docker.ts';
import { stackPaths } from './paths.ts';
import { isOurs, pidAlive, readPid, stopProcess } from './processes.ts';
import { defaultSay, type Say, StepError, waitFor } from './steps.ts';

export const COMPONENTS: readonly Component[] = [kafka, mongodb, redis, registry, stripeMock, paypalSandbox, mailpit];
export const COMPONENT_NAMES = COMPONENTS.map((c) => c.name);

export interface ComponentStatus {
  component: ComponentName;
  version: string | null;
  url: string;
  port: number;
  pid: number | null;
  healthy: boolean;
  /** Why it is unhealthy, when it is. */
  detail?: string;
}

export function stackContext(config: Config, say: Say = defaultSay): StackContext {
  return { config, paths: stackPaths(config.stack.dir), say };
}

function select(names: readonly string[] | undefined): Component[] {
  if (!names || names.length === 0) return [...COMPONENTS];
  return names.map((n) => {
    const c = COMPONENTS.find((x) => x.name === n);
    if (!c) throw new StepError(`unknown component "${n}": expected one of ${COMPONENT_NAMES.join(', ')}`);
    return c;
  });
}

async function probeQuietly(
  c: Component,
  ctx: StackContext,
): Promise<{ healthy: boolean; version?: string; detail?: string }> {
  try {
    const h = await c.probe(ctx);
    return { healthy: h.healthy, version: h.version };
  } catch (err) {
    return { healthy: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

async function upOne(c: Component, ctx: StackContext): Promise<'already-running' | 'started' | 'external'> {
  if (!c.managed(ctx)) {
    await waitFor(`${c.name} at ${c.url(ctx)}`, () => c.probe(ctx), 15_000);
    return 'external';
  }
  const rec = readPid(ctx.paths.run, c.name);
  if (isOurs(rec)) {
    await waitFor(
      `${c.name} (pid ${rec.pid})`,
      () => c.probe(ctx),
      c.startTimeoutMs,
      () => isOurs(rec),
    );
    return 'already-running';
  }
  const occupied = await probeQuietly(c, ctx);
  if (occupied.healthy) {
    throw new StepError(
      `${c.name}: something not started by this stack already answers on port ${c.port(ctx)}. ` +
        `Stop it, or choose another port (see docs/stack.md for the STREAMSHOP_*_PORT variables).`,
    );
  }
  await c.prepare(ctx);
  const started = Date.now();
  ctx.say(`› ${c.name}: starting on port ${c.port(ctx)}…`);
  const pid = await c.start(ctx);
  // Just the pid while starting: right after spawn the child may not have exec'd yet, so its command line is still
  // Node's and the marker check would call a healthy start dead.
  const alive = () => pidAlive(pid);
  try {
    await waitFor(c.name, () => c.probe(ctx), c.startTimeoutMs, alive);
  } catch (err) {
    const log = join(ctx.paths.logs, `${c.name}.log`);
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new StepError(`${(err as Error).message}\n--- last lines of ${log} ---\n${tail}`, log);
  }
  ctx.say(`✓ ${c.name}: healthy (pid ${pid}, ${((Date.now() - started) / 1000).toFixed(1)}s)`);
  return 'started';
}

export interface UpResult {
  started: ComponentName[];
  alreadyRunning: ComponentName[];
}

export async function up(config: Config, opts: { say?: Say; only?: string[] } = {}): Promise<UpResult> {
  const ctx = stackContext(config, opts.say);
  if (config.stack.mode === 'docker') {
    await dockerUp(ctx);
    const host = select(opts.only).filter((c) => c.hostProcess);
    for (const c of select(opts.only).filter((x) => !x.hostProcess)) {
      await waitFor(c.name, () => c.probe(ctx), c.startTimeoutMs);
    }
    for (const d of [ctx.paths.run, ctx.paths.logs]) mkdirSync(d, { recursive: true });
    for (const c of host) await upOne(c, ctx);
    return { started: select(opts.only).map((c) => c.name), alreadyRunning: [] };
  }
  for (const d of [
    ctx.paths.stack,
    ctx.paths.run,
    ctx.paths.logs,
    ctx.paths.data,
    ctx.paths.bin,
    ctx.paths.downloads,
  ]) {
    mkdirSync(d, { recursive: true });
  }
  const components = select(opts.only);
  const runningBefore = new Set(components.filter((c) => isOurs(readPid(ctx.paths.run, c.name))).map((c) => c.name));
  const results = await Promise.allSettled(components.map((c) => upOne(c, ctx)));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${components[i]!.name}: ${(r.reason as Error).message}`] : [],
  );
  if (failures.length > 0) {
    // All or nothing: stop what this call started, so a failed `up` leaves no half stack holding ports.
    for (const c of components.filter((x) => !runningBefore.has(x.name)))
      await stopProcess(ctx.paths.run, c.name, 10_000);
    throw new StepError(`stack up failed (stopped what it had started):\n${failures.join('\n')}`);
  }
  const outcome = results.map((r, i) => [components[i]!.name, (r as PromiseFulfilledResult<string>).value] as const);
  return {
    started: outcome.filter(([, o]) => o === 'started').map(([n]) => n),
    alreadyRunning: outcome.filter(([, o]) => o !== 'started').map(([n]) => n),
  };
}

export async function down(config: Config, opts: { say?: Say; only?: string[] } = {}): Promise<void> {
  const ctx = stackContext(config, opts.say);
  if (config.stack.mode === 'docker') {
    for (const c of select(opts.only).filter((x) => x.hostProcess)) await stopProcess(ctx.paths.run, c.name);
    return dockerDown(ctx);
  }
  // Stop dependants first: the registry keeps nothing in Kafka, but stopping Kafka last lets clients finish.
  const order = select(opts.only).reverse();
  await Promise.all(
    order.map(async (c) => {
      const rec = readPid(ctx.paths.run, c.name);
      const how = await stopProcess(ctx.paths.run, c.name);
      if (how !== 'not-running') ctx.say(`✓ ${c.name}: ${how} (pid ${rec?.pid})`);
    }),
  );
}

export async function status(config: Config, opts: { only?: string[] } = {}): Promise<ComponentStatus[]> {
  const ctx = stackContext(config, () => {});
  return Promise.all(
    select(opts.only).map(async (c) => {
      const rec = readPid(ctx.paths.run, c.name);
      const pid = c.managed(ctx) && isOurs(rec) ? rec.pid : null;
      const h = await probeQuietly(c, ctx);
      const s: ComponentStatus = {
        component: c.name,
        version: h.version ?? null,
        url: c.url(ctx),
        port: c.port(ctx),
        pid,
        healthy: h.healthy,
      };
      if (h.detail) s.detail = h.detail;
      return s;
    }),
  );
}

export function logFile(config: Config, name: string): string {
  select([name]);
  return join(stackPaths(config.stack.dir).logs, `${name}.log`);
}

/** Removes all data (topics, databases, schemas) but keeps downloads and builds. The stack must be down. */
export async function reset(config: Config, opts: { say?: Say } = {}): Promise<void> {
  const ctx = stackContext(config, opts.say);
  const running = COMPONENTS.filter((c) => isOurs(readPid(ctx.paths.run, c.name)));
  if (running.length > 0)
    throw new StepError(
      `stop the stack first (running: ${running.map((c) => c.name).join(', ')}): streamshop stack down`,
    );
  rmSync(ctx.paths.data, { recursive: true, force: true });
  ctx.say(`✓ removed ${ctx.paths.data}`);
}
