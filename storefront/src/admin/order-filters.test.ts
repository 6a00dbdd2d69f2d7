import { describe, expect, it } from 'vitest';
import {
  adminOrdersQuery,
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

  it('send UTC days, and swap a reversed range', () => {
    const q = adminOrdersQuery({ ...noOrderFilters, from: '2026-03-05', to: '2026-03-01' }, undefined, 20);
    expect(q).toMatchObject({ from: '2026-03-01', to: '2026-03-05' });
    expect(adminOrdersQuery(noOrderFilters, undefined, 20)).toMatchObject({ from: '', to: '' });
  });

  it('carry the cursor, the sort and trimmed text', () => {
    const q = adminOrdersQuery({ ...noOrderFilters, q: '  o-123 ', sort: 'total_asc' }, 'abc', 50);
    expect(q).toMatchObject({ q: 'o-123', sort: 'total_asc', cursor: 'abc', limit: 50, from: '', status: '' });
  });

  it('a header click sorts that column, newest/highest first, then flips', () => {
    expect(toggledSort('placed_desc', 'total')).toBe('total_desc');
    expect(toggledSort('total_desc', 'total')).toBe('total_asc');
    expect(toggledSort('total_asc', 'total')).toBe('total_desc');
    expect(sortOf('placed_asc')).toEqual({ column: 'placed', desc: false });
  });
});
