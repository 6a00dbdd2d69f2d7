import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  parseChoice,
  parseDayRange,
  parseId,
  parseLimit,
  parseOpenDayRange,
  parseText,
  QueryInputError,
} from './query-input.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof QueryInputError) return err.code;
    throw err;
  }
  return undefined;
}

describe('cursors', () => {
  it('round-trip their position as opaque base64url', () => {
    const cursor = encodeCursor('products:price_asc', [1999, 'SKU/1 é']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'products:price_asc', ['number', 'string'])).toEqual([1999, 'SKU/1 é']);
  });

  it('mean the first page when absent', () => {
    expect(decodeCursor(undefined, 'k', ['string'])).toBeUndefined();
    expect(decodeCursor('', 'k', ['string'])).toBeUndefined();
  });

  it('are rejected when malformed, of another listing, or of the wrong shape', () => {
    const valid = encodeCursor('products:name', ['Shoe', 'SKU-1']);
    expect(codeOf(() => decodeCursor('not a cursor!', 'products:name', ['string', 'string']))).toBe('invalid_cursor');
    expect(codeOf(() => decodeCursor('bm9wZQ', 'products:name', ['string', 'string']))).toBe('invalid_cursor'); // "nope"
    expect(codeOf(() => decodeCursor(valid, 'products:newest', ['number', 'string']))).toBe('invalid_cursor');
    expect(codeOf(() => decodeCursor(valid, 'products:name', ['number', 'string']))).toBe('invalid_cursor');
    expect(codeOf(() => decodeCursor(valid, 'products:name', ['string']))).toBe('invalid_cursor');
    expect(codeOf(() => decodeCursor(42, 'products:name', ['string', 'string']))).toBe('invalid_cursor');
    expect(codeOf(() => decodeCursor('A'.repeat(2000), 'products:name', ['string', 'string']))).toBe('invalid_cursor');
    const nullValue = Buffer.from(JSON.stringify({ k: 'products:name', v: [null, 'x'] })).toString('base64url');
    expect(codeOf(() => decodeCursor(nullValue, 'products:name', ['string', 'string']))).toBe('invalid_cursor');
  });
});

describe('limits and ids', () => {
  it('take the default when absent and accept 1..100', () => {
    expect(parseLimit(undefined, 24)).toBe(24);
    expect(parseLimit(1, 24)).toBe(1);
    expect(parseLimit(100, 24)).toBe(100);
  });

  it('reject anything else with invalid_limit', () => {
    for (const bad of [0, 101, -1, 2.5, Number.NaN, '10'])
      expect(codeOf(() => parseLimit(bad, 24))).toBe('invalid_limit');
  });

  it('reject empty or absurd ids with invalid_id', () => {
    expect(parseId('SKU-1', 'sku')).toBe('SKU-1');
    for (const bad of ['', 'x'.repeat(201), 7, undefined]) expect(codeOf(() => parseId(bad, 'sku'))).toBe('invalid_id');
  });
});

describe('day ranges', () => {
  it('list every UTC day, inclusive, with the instants that bound them', () => {
    const r = parseDayRange({ from: '2024-02-28', to: '2024-03-01' });
    expect(r.days).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(r.startMs).toBe(Date.UTC(2024, 1, 28));
    expect(r.endMs).toBe(Date.UTC(2024, 2, 2));
    expect(parseDayRange({ from: '2024-05-05', to: '2024-05-05' }).days).toEqual(['2024-05-05']);
  });

  it('reject malformed or impossible dates, reversed ranges and ranges over 366 days', () => {
    const bad = [
      { from: '2024-02-30', to: '2024-03-01' },
      { from: '2024-2-1', to: '2024-03-01' },
      { from: '2024-02-01T00:00:00Z', to: '2024-03-01' },
      { from: '2024-03-02', to: '2024-03-01' },
      { from: '2023-01-01', to: '2024-01-02' },
      { from: '2024-01-01' },
      { from: 20240101, to: '2024-01-02' },
    ];
    for (const input of bad)
      expect(
        codeOf(() => parseDayRange(input)),
        JSON.stringify(input),
      ).toBe('invalid_date_range');
    expect(parseDayRange({ from: '2024-01-01', to: '2024-12-31' }).days).toHaveLength(366);
  });
});

describe('open day ranges, free text and choices', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as QueryInputError).code;
    }
    return 'no error';
  };

  it('take either end alone, the end day inclusive', () => {
    expect(parseOpenDayRange({})).toEqual({ startMs: null, endMs: null });
    expect(parseOpenDayRange({ to: '2024-02-28' })).toEqual({ startMs: null, endMs: Date.UTC(2024, 1, 29) });
    expect(parseOpenDayRange({ from: '2024-02-28', to: '' })).toEqual({ startMs: Date.UTC(2024, 1, 28), endMs: null });
    expect(code(() => parseOpenDayRange({ from: '2024-03-02', to: '2024-03-01' }))).toBe('invalid_date_range');
    expect(code(() => parseOpenDayRange({ from: '2024-02-30' }))).toBe('invalid_date_range');
  });

  it('trim and lower-case a search, and refuse what is not one', () => {
    expect(parseText('  Ada@Example ', 'q')).toBe('ada@example');
    expect(parseText('   ', 'q')).toBeNull();
    expect(code(() => parseText('x'.repeat(201), 'q'))).toBe('invalid_query');
    expect(code(() => parseText(3, 'q'))).toBe('invalid_query');
  });

  it('accept only the listed choices', () => {
    expect(parseChoice(undefined, ['a', 'b'] as const, 'a', 'sort')).toBe('a');
    expect(parseChoice('b', ['a', 'b'] as const, 'a', 'sort')).toBe('b');
    expect(code(() => parseChoice('c', ['a', 'b'] as const, 'a', 'sort'))).toBe('invalid_sort');
  });
});
