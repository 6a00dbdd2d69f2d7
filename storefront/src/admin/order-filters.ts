/**
 * The admin orders list's filters and sort live in the URL (shareable, reloadable, back-button friendly): reading
 * them from search params, writing them back, and turning them into GET /api/admin/orders' query. Dates are UTC
 * calendar days, both ends included, as the gateway and the sales dashboard count them.
 */
import { ORDER_STATUSES } from '@streamshop/schemas/order-status';
import type { AdminOrderSort } from '../api/admin-types.ts';
import type { OrderStatus } from '../api/types.ts';

export const ORDER_SORTS: { value: AdminOrderSort; label: string }[] = [
  { value: 'placed_desc', label: 'Newest first' },
  { value: 'placed_asc', label: 'Oldest first' },
  { value: 'total_desc', label: 'Total: high to low' },
  { value: 'total_asc', label: 'Total: low to high' },
];

export interface OrderFilters {
  status: OrderStatus | '';
  /** YYYY-MM-DD or ''. */
  from: string;
  to: string;
  customerId: string;
  /** Free text: an order id or a customer's e-mail. */
  q: string;
  sort: AdminOrderSort;
}

export const noOrderFilters: OrderFilters = {
  status: '',
  from: '',
  to: '',
  customerId: '',
  q: '',
  sort: 'placed_desc',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (s: string | null) => (s && DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00`)) ? s : '');

export function orderFiltersFromParams(p: URLSearchParams): OrderFilters {
  const status = p.get('status') ?? '';
  const sort = p.get('sort');
  return {
    status: (ORDER_STATUSES as readonly string[]).includes(status) ? (status as OrderStatus) : '',
    from: validDay(p.get('from')),
    to: validDay(p.get('to')),
    customerId: p.get('customer')?.trim() ?? '',
    q: p.get('q')?.trim() ?? '',
    sort: ORDER_SORTS.some((s) => s.value === sort) ? (sort as AdminOrderSort) : 'placed_desc',
  };
}

export function orderFiltersToParams(f: OrderFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status) p.set('status', f.status);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.customerId.trim()) p.set('customer', f.customerId.trim());
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.sort !== 'placed_desc') p.set('sort', f.sort);
  return p;
}

/** GET /api/admin/orders' query for one page; a reversed date range is swapped rather than answered with nothing. */
export function adminOrdersQuery(f: OrderFilters, cursor: string | undefined, limit: number) {
  let { from, to } = f;
  if (from && to && from > to) [from, to] = [to, from];
  return {
    status: f.status,
    from,
    to,
    customerId: f.customerId.trim(),
    q: f.q.trim(),
    sort: f.sort,
    cursor,
    limit,
  };
}

/** The table's sort state for a column, and the sort a click on that column's header asks for. */
export type SortColumn = 'placed' | 'total';

export function sortOf(sort: AdminOrderSort): { column: SortColumn; desc: boolean } {
  const [column, dir] = sort.split('_') as [SortColumn, 'asc' | 'desc'];
  return { column, desc: dir === 'desc' };
}

export function toggledSort(sort: AdminOrderSort, column: SortColumn): AdminOrderSort {
  const current = sortOf(sort);
  if (current.column !== column) return `${column}_desc`;
  return `${column}_${current.desc ? 'asc' : 'desc'}`;
}
