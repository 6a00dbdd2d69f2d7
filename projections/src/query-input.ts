/**
 * Validation of what callers pass to the read-model queries, and the opaque pagination cursors, shared by every
 * `*.queries.ts`. Bad input is the caller's fault, so it is a `QueryInputError` with a stable `code` that the gateway
 * answers as 400 problem+json; anything else a query throws is unexpected (a 500).
 *
 * Cursors are keyset positions, never offsets: base64url of `{k: kind, v: [sort value…, _id]}`, the last item of the
 * page. The next page is "everything after that position in the sort order", so a document inserted or removed
 * meanwhile shifts no other document between pages. The kind ties a cursor to the listing (and sort) that issued it:
 * a products-by-price cursor handed to the by-name listing is rejected instead of silently starting somewhere odd.
 */

export type QueryInputErrorCode =
  | 'invalid_cursor'
  | 'invalid_limit'
  | 'invalid_sort'
  | 'invalid_query'
  | 'invalid_price_range'
  | 'invalid_date_range'
  | 'invalid_id';

export class QueryInputError extends Error {
  override readonly name = 'QueryInputError';

  constructor(
    readonly code: QueryInputErrorCode,
    message: string,
    /** The input field at fault, when there is one (for the problem's `detail` / client-side highlighting). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const MAX_LIMIT = 100;
/** Longest accepted id (SKU, product, order or customer id); ids are short, anything longer is not one of ours. */
const MAX_ID_LENGTH = 200;
/** A cursor holds two short values; anything this long was not issued by us. */
const MAX_CURSOR_LENGTH = 1024;

export function parseLimit(limit: unknown, fallback: number): number {
  if (limit === undefined || limit === null) return fallback;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new QueryInputError('invalid_limit', `limit must be a whole number from 1 to ${MAX_LIMIT}`, 'limit');
  }
  return limit;
}

export function parseId(id: unknown, field: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new QueryInputError(
      'invalid_id',
      `${field} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`,
      field,
    );
  }
  return id;
}

export type CursorValue = string | number;
export type CursorShape = readonly ('string' | 'number')[];

export function encodeCursor(kind: string, values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify({ k: kind, v: values }), 'utf8').toString('base64url');
}

/**
 * The values a cursor of this `kind` carries, checked against `shape` (one type per value); `undefined` when there
 * is no cursor (first page). Throws `invalid_cursor` for anything we did not issue for this listing.
 */
export function decodeCursor(cursor: unknown, kind: string, shape: CursorShape): CursorValue[] | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  const invalid = () => new QueryInputError('invalid_cursor', 'cursor is not one this listing issued', 'cursor');
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { k, v } = (parsed ?? {}) as { k?: unknown; v?: unknown };
  if (k !== kind || !Array.isArray(v) || v.length !== shape.length) throw invalid();
  const ok = v.every((value, i) =>
    shape[i] === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string',
  );
  if (!ok) throw invalid();
  return v as CursorValue[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A year and a day: enough for any report, and a bound on what one query scans. */
export const MAX_RANGE_DAYS = 366;

export interface DayRange {
  from: string;
  to: string;
  /** Epoch ms of `from` 00:00 UTC. */
  startMs: number;
  /** Epoch ms of the day after `to`, 00:00 UTC (exclusive end). */
  endMs: number;
  /** Every day of the range, in order. */
  days: string[];
}

/** Inclusive range of UTC calendar days `YYYY-MM-DD`; `from` ≤ `to`, at most `MAX_RANGE_DAYS` days. */
export function parseDayRange(input: { from?: unknown; to?: unknown }): DayRange {
  const startMs = parseDay(input.from, 'from');
  const toMs = parseDay(input.to, 'to');
  if (toMs < startMs) throw new QueryInputError('invalid_date_range', 'from must not be after to', 'to');
  const count = (toMs - startMs) / DAY_MS + 1;
  if (count > MAX_RANGE_DAYS) {
    throw new QueryInputError('invalid_date_range', `a range spans at most ${MAX_RANGE_DAYS} days`, 'to');
  }
  const days = Array.from({ length: count }, (_, i) => dayOf(startMs + i * DAY_MS));
  return { from: input.from as string, to: input.to as string, startMs, endMs: toMs + DAY_MS, days };
}

/** The UTC calendar day of an epoch-ms instant, as the sales facts store it. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * An optional, possibly one-sided range of UTC calendar days (`from` and `to` inclusive) as epoch-ms bounds:
 * `startMs` from 00:00 of `from`, `endMs` (exclusive) from 00:00 of the day after `to`; null where not given.
 */
export function parseOpenDayRange(input: { from?: unknown; to?: unknown }): {
  startMs: number | null;
  endMs: number | null;
} {
  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  const startMs = given(input.from) ? parseDay(input.from, 'from') : null;
  const toMs = given(input.to) ? parseDay(input.to, 'to') : null;
  if (startMs !== null && toMs !== null && toMs < startMs) {
    throw new QueryInputError('invalid_date_range', 'from must not be after to', 'to');
  }
  return { startMs, endMs: toMs === null ? null : toMs + DAY_MS };
}

/** Longest free-text query (search boxes): anything longer is not a search. */
export const MAX_QUERY_LENGTH = 200;

/** A free-text query, trimmed and lower-cased (searched fields are stored lower-cased); null when empty. */
export function parseText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new QueryInputError('invalid_query', `${field} must be a string`, field);
  const text = value.trim().toLowerCase();
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QueryInputError('invalid_query', `${field} must be at most ${MAX_QUERY_LENGTH} characters`, field);
  }
  return text || null;
}

/** The literal text as a regular expression: `(` or `.` in a query mean themselves. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One of the allowed values, or the fallback when absent; anything else is an `invalid_sort`. */
export function parseChoice<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new QueryInputError('invalid_sort', `${field} must be one of ${allowed.join(', ')}`, field);
  }
  return value as T;
}

function parseDay(value: unknown, field: string): number {
  const invalid = () =>
    new QueryInputError('invalid_date_range', `${field} must be a calendar date YYYY-MM-DD (UTC)`, field);
  if (typeof value !== 'string') throw invalid();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) throw invalid();
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2024-02-30 over into March; a real date survives the round trip unchanged.
  if (Number.isNaN(ms) || dayOf(ms) !== value) throw invalid();
  return ms;
}
