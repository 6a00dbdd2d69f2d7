/**
 * The admin's views as the gateway serves them (orders list, each order's detail, low stock, the sales dashboard,
 * customers), read over HTTP with the demo admin's dev token, and the operator's rebuild of every read model through
 * the real `streamshop` binary: together they show that folding the event log again from offset zero gives the admin
 * the same answers it gave before.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PROJECTION_NAMES, type ProjectionName } from '@streamshop/projections/definitions';
import type { Namespace } from '@streamshop/testkit';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../packages/cli/bin/streamshop.js', import.meta.url));

export const ADMIN = 'user_demo_admin';

/** A GET of the gateway's API as the given demo user (dev sign-in: a token of Clerk's shape). */
export async function apiAs(baseUrl: string, userId: string): Promise<<T>(path: string) => Promise<T>> {
  const login = await fetch(new URL('/api/dev/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!login.ok) throw new Error(`dev login of ${userId} answered ${login.status}: ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return async <T>(path: string) => {
    const res = await fetch(new URL(path, baseUrl), { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
}

export type AdminViews = Record<string, unknown>;

/** UTC day `days` from today, YYYY-MM-DD. */
const utcDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Every admin view the back office shows, keyed by the path it came from. */
export async function adminViews(baseUrl: string, orderIds: readonly string[]): Promise<AdminViews> {
  const get = await apiAs(baseUrl, ADMIN);
  // A range around today, so the journey's orders are in it whatever the time zone of the day they were placed.
  const paths = [
    '/api/admin/orders?limit=100',
    '/api/admin/orders?limit=100&status=refunded',
    ...orderIds.map((id) => `/api/admin/orders/${encodeURIComponent(id)}`),
    '/api/admin/stock/low?limit=100',
    `/api/admin/dashboard?from=${utcDay(-1)}&to=${utcDay(1)}`,
    '/api/admin/customers?limit=100',
  ];
  const views: AdminViews = {};
  for (const path of paths) views[path] = await get(path);
  return views;
}

/** `streamshop projections rebuild <model>` in the namespace, as an operator runs it; answers its "done" line. */
export async function rebuildReadModel(ns: Namespace, model: ProjectionName): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    [
      bin,
      'projections',
      'rebuild',
      model,
      '--json',
      '--grace',
      '0s',
      '--prefix',
      ns.topicPrefix,
      '--redis-prefix',
      ns.redisPrefix,
    ],
    {
      env: { ...process.env, MONGODB_DATABASE: ns.database, STREAMSHOP_LOG_LEVEL: 'error' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const done = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.event === 'done');
  if (!done) throw new Error(`rebuild of ${model} printed no "done" line:\n${stdout}`);
  return done;
}

export { PROJECTION_NAMES };
