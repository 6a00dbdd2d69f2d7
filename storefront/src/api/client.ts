/**
 * The one way the storefront talks to the gateway: same-origin fetch under /api, JSON in and out, the caller's
 * bearer token attached, and every non-2xx turned into an ApiError carrying the problem+json `code` and `detail`
 * so pages can show what the gateway said rather than "something went wrong".
 */
import type { Problem } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly problem: Problem | undefined;

  constructor(status: number, problem: Problem | undefined, fallback: string) {
    super(problem?.detail ?? problem?.title ?? fallback);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code;
    this.detail = problem?.detail;
    this.problem = problem;
  }
}

export function isApiError(e: unknown, status?: number, code?: string): e is ApiError {
  return (
    e instanceof ApiError && (status === undefined || e.status === status) && (code === undefined || e.code === code)
  );
}

/** A human sentence for any error a query or mutation produced. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof TypeError) return 'The shop could not be reached. Check your connection and try again.';
  if (e instanceof Error) return e.message;
  return String(e);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sends a string `body` as is with this content type (a CSV upload) instead of as JSON. */
  contentType?: string;
  token?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type QueryValue = string | number | undefined | null;

/** `/api/products` + `{ q: 'mug', cursor: undefined }` → `/api/products?q=mug` (empty values dropped). */
export function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Sends the request; a non-2xx answer becomes an ApiError with the problem the gateway sent. */
async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const raw = opts.contentType !== undefined && typeof opts.body === 'string';
  if (opts.body !== undefined) headers['content-type'] = raw ? (opts.contentType as string) : 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(path, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : raw ? (opts.body as string) : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  if (!res.ok) {
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    const problem = isJson ? ((await res.json().catch(() => undefined)) as Problem | undefined) : undefined;
    throw new ApiError(res.status, problem, `${res.status} ${res.statusText || 'request failed'}`);
  }
  return res;
}

export async function apiFetch<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  if (res.status === 204 || !isJson) return undefined as T;
  return (await res.json()) as T;
}

/** A file the gateway answers (an invoice PDF), as a Blob; errors as apiFetch's. */
export async function apiFile(path: string, accept: string, opts: RequestOptions = {}): Promise<Blob> {
  const res = await send(path, {
    ...opts,
    headers: { ...opts.headers, accept: `${accept}, application/problem+json` },
  });
  return res.blob();
}
