/**
 * The admin's views as the gateway serves them (orders list, each order's detail, the products list and a product's
 * page, every SKU's stock and the low ones, one SKU's levels, the sales dashboard, the customers list and a
 * customer's profile and orders), read over HTTP with the demo admin's dev token, and the operator's rebuild of every
 * read model through the real `streamshop` binary: together they show that folding the event log again from offset
 * zero gives the admin the same answers it gave before.
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

/** The journey's own records, whose pages the admin opens (each is read by its id). */
export interface JourneyRecords {
  orderIds: readonly string[];
  productIds: readonly string[];
  skus: readonly string[];
  customerIds: readonly string[];
}

/** UTC day `days` from today, YYYY-MM-DD. */
const utcDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

type Get = Awaited<ReturnType<typeof apiAs>>;

/**
 * Every item of a cursor-paged list, in order (`path` has no cursor; 100 is every list's largest page). The whole
 * list rather than its first page: the back office pages through all of it, and a rebuild that lost the thousandth
 * product must show.
 */
async function everyPage<T>(get: Get, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await get(
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Every admin view the back office shows, keyed by the path it came from (paged lists: every page, `(all pages)`). */
export async function adminViews(baseUrl: string, records: JourneyRecords): Promise<AdminViews> {
  const get = await apiAs(baseUrl, ADMIN);
  const id = encodeURIComponent;
  // A range around today, so the journey's orders are in it whatever the time zone of the day they were placed.
  const paths = [
    '/api/admin/orders?limit=100',
    '/api/admin/orders?limit=100&status=refunded',
    ...records.orderIds.map((o) => `/api/admin/orders/${id(o)}`),
    ...records.skus.map((sku) => `/api/admin/inventory/${id(sku)}`),
    '/api/admin/stock/low?limit=100',
    `/api/admin/dashboard?from=${utcDay(-1)}&to=${utcDay(1)}`,
    '/api/admin/customers?limit=100',
    ...records.customerIds.map((c) => `/api/admin/customers/${id(c)}`),
  ];
  const lists = ['/api/admin/stock', ...records.customerIds.map((c) => `/api/admin/customers/${id(c)}/orders`)];
  const views: AdminViews = {};
  for (const path of paths) views[path] = await get(path);
  for (const path of lists) views[`${path} (all pages)`] = await everyPage(get, path);
  // The admin's product list and pages read the shop's catalog (there is no admin list of its own).
  views['/api/products (all pages)'] = await everyPage(get, '/api/products');
  for (const p of records.productIds) {
    const path = `/api/products/${id(p)}`;
    views[path] = await get(path);
  }
  return views;
}

/** The namespace's environment for the `streamshop` binary (its database; quiet logs). */
const cliEnv = (ns: Namespace) => ({ ...process.env, MONGODB_DATABASE: ns.database, STREAMSHOP_LOG_LEVEL: 'error' });

/**
 * `streamshop projections status` in the namespace: each read model's lag (events on its topics its active generation
 * has not folded yet), keyed by model. Views read while a model still lags are not the "before" of anything.
 */
export async function readModelLag(ns: Namespace): Promise<Record<string, number>> {
  const { stdout } = await run(process.execPath, [bin, 'projections', 'status', '--json', '--prefix', ns.topicPrefix], {
    env: cliEnv(ns),
    maxBuffer: 16 * 1024 * 1024,
  });
  const rows = JSON.parse(stdout) as { model: string; lag: { total: number } }[];
  return Object.fromEntries(rows.map((r) => [r.model, r.lag.total]));
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
    { env: cliEnv(ns), maxBuffer: 16 * 1024 * 1024 },
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
