import { describe, expect, it } from 'vitest';
import {
  adminOrdersQuery,
  dayBound,
  noOrderFilters,
  orderFiltersFromParams,
  orderFiltersToParams,
  sortOf,
  toggledSort,
} from './order-filters.ts';

describe('admin order filters', () => {
  it('round-trip through the URL, leaving defaults out', () => {
    const f = { ...noOrderFilters, status: 'shipped' as const, from: '2026-03-01', q: 'sam@example.com' };
    const params = orderFiltersToParams(f);
    expect(params.toString()).toBe('status=shipped&from=2026-03-01&q=sam%40example.com');
    expect(orderFiltersFromParams(params)).toEqual(f);
  });

  it('ignore what a hand-edited URL gets wrong', () => {
    const f = orderFiltersFromParams(new URLSearchParams('status=lost&from=yesterday&to=2026-13-45&sort=random'));
    expect(f).toEqual(noOrderFilters);
  });

  it('send whole local days as instants, and swap a reversed range', () => {
    const q = adminOrdersQuery({ ...noOrderFilters, from: '2026-03-05', to: '2026-03-01' }, undefined, 20);
    expect(q.from).toBe(dayBound('2026-03-01', false));
    expect(q.to).toBe(dayBound('2026-03-05', true));
    expect(Date.parse(dayBound('2026-03-05', true)) - Date.parse(dayBound('2026-03-05', false))).toBe(86_400_000 - 1);
  });

  it('carry the cursor, the sort and trimmed text', () => {
    const q = adminOrdersQuery({ ...noOrderFilters, q: '  o-123 ', sort: 'total_asc' }, 'abc', 50);
    expect(q).toMatchObject({ q: 'o-123', sort: 'total_asc', cursor: 'abc', limit: 50, from: undefined, status: '' });
  });

  it('a header click sorts that column, newest/highest first, then flips', () => {
    expect(toggledSort('placedAt_desc', 'total')).toBe('total_desc');
    expect(toggledSort('total_desc', 'total')).toBe('total_asc');
    expect(toggledSort('total_asc', 'total')).toBe('total_desc');
    expect(sortOf('placedAt_asc')).toEqual({ column: 'placedAt', desc: false });
  });
});
