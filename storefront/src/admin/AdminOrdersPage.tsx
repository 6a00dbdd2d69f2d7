/**
 * Orders: filters (status, placed dates, customer, an order id or e-mail) and sort kept in the URL, a table whose
 * Placed and Total headers sort on the server, and cursor pages (Next follows the gateway's cursor; Previous goes
 * back through the cursors already seen).
 */
import { ORDER_STATUSES } from '@streamshop/schemas/order-status';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { AdminOrderPage, AdminOrderSummary } from '../api/admin-types.ts';
import { withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import { Price } from '../components/Price.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { formatTime } from '../orders/OrderPage.tsx';
import { STATUS_LABELS } from '../orders/timeline.ts';
import { adminColumns, DataTable } from './DataTable.tsx';
import {
  adminOrdersQuery,
  noOrderFilters,
  ORDER_SORTS,
  type OrderFilters,
  orderFiltersFromParams,
  orderFiltersToParams,
  type SortColumn,
  sortOf,
  toggledSort,
} from './order-filters.ts';
import { adminKey } from './use-admin-command.ts';

const PAGE_SIZE = 25;

const col = adminColumns<AdminOrderSummary>();
const columns = [
  col.accessor('id', {
    header: 'Order',
    enableSorting: false,
    cell: (c) => (
      <Link
        to={`/admin/orders/${encodeURIComponent(c.getValue())}`}
        className="font-medium underline"
        data-testid="admin-order-link"
      >
        {c.getValue().slice(0, 8)}
      </Link>
    ),
  }),
  col.accessor('placedAt', { id: 'placed', header: 'Placed', cell: (c) => formatTime(c.getValue()) }),
  col.accessor('customerId', {
    header: 'Customer',
    enableSorting: false,
    cell: (c) => (
      <Link to={`/admin/customers/${encodeURIComponent(c.getValue())}`} className="underline">
        {c.row.original.customer?.email ?? c.row.original.customer?.name ?? c.getValue()}
      </Link>
    ),
  }),
  col.accessor('status', {
    header: 'Status',
    enableSorting: false,
    cell: (c) => <span className="rounded bg-stone-200 px-2 py-0.5">{STATUS_LABELS[c.getValue()]}</span>,
  }),
  col.accessor('total', {
    header: 'Total',
    cell: (c) => (
      <span className="flex flex-col">
        <Price money={c.getValue()} />
        {c.row.original.refunded && c.row.original.refunded.amount > 0 && (
          <span className="text-xs text-amber-900">
            <Price money={c.row.original.refunded} /> refunded
          </span>
        )}
      </span>
    ),
  }),
];

function Filters({ filters, onChange }: { filters: OrderFilters; onChange: (f: OrderFilters) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const set = (k: keyof OrderFilters) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange(draft);
  };
  return (
    <search>
      <form
        onSubmit={submit}
        aria-label="Filter orders"
        className="grid gap-3 rounded-lg border border-stone-200 bg-white p-4 sm:grid-cols-6"
      >
        <div className="sm:col-span-2">
          <label htmlFor={`${id}-q`} className="field-label">
            Order id or customer e-mail
          </label>
          <input
            id={`${id}-q`}
            type="search"
            className="field-input"
            value={draft.q}
            onChange={set('q')}
            data-testid="orders-q"
          />
        </div>
        <div>
          <label htmlFor={`${id}-status`} className="field-label">
            Status
          </label>
          <select
            id={`${id}-status`}
            className="field-input"
            value={draft.status}
            onChange={set('status')}
            data-testid="orders-status"
          >
            <option value="">Any</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-from`} className="field-label">
            Placed from (UTC)
          </label>
          <input id={`${id}-from`} type="date" className="field-input" value={draft.from} onChange={set('from')} />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className="field-label">
            Placed until (UTC)
          </label>
          <input id={`${id}-to`} type="date" className="field-input" value={draft.to} onChange={set('to')} />
        </div>
        <div>
          <label htmlFor={`${id}-customer`} className="field-label">
            Customer id
          </label>
          <input id={`${id}-customer`} className="field-input" value={draft.customerId} onChange={set('customerId')} />
        </div>
        <div>
          <label htmlFor={`${id}-sort`} className="field-label">
            Sort by
          </label>
          <select id={`${id}-sort`} className="field-input" value={draft.sort} onChange={set('sort')}>
            {ORDER_SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="flex items-end gap-2 sm:col-span-5">
          <button type="submit" className="btn-primary" data-testid="orders-filter">
            Filter
          </button>
          <button type="button" className="btn-secondary" onClick={() => onChange(noOrderFilters)}>
            Clear
          </button>
        </div>
      </form>
    </search>
  );
}

export function AdminOrdersPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const filters = orderFiltersFromParams(params);
  const filterKey = orderFiltersToParams(filters).toString();
  // The cursors of the pages seen so far (page 0 has none): Previous walks back through them.
  // Other filters start again at page 1, so the cursors are kept per filter.
  const [paging, setPaging] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: filterKey,
    cursors: [undefined],
  });
  const cursors = paging.key === filterKey ? paging.cursors : [undefined];
  const setCursors = (next: (string | undefined)[]) => setPaging({ key: filterKey, cursors: next });
  const page = cursors.length - 1;
  const cursor = cursors[page];

  const orders = useQuery({
    queryKey: adminKey('orders', filterKey, cursor),
    queryFn: ({ signal }) =>
      api<AdminOrderPage>(withQuery('/api/admin/orders', adminOrdersQuery(filters, cursor, PAGE_SIZE)), { signal }),
    placeholderData: keepPreviousData,
  });

  const { column, desc } = sortOf(filters.sort);
  const setFilters = (f: OrderFilters) => setParams(orderFiltersToParams(f));

  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Orders</h1>
      <Filters filters={filters} onChange={setFilters} />
      {orders.isPending ? (
        <LoadingState label="Loading orders…" />
      ) : orders.isError ? (
        <ErrorState title="Could not load orders" error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <EmptyState title="No orders match">
          <p>Widen the dates or clear the filters.</p>
        </EmptyState>
      ) : (
        <>
          <DataTable
            caption="Orders"
            columns={columns}
            data={orders.data.items}
            rowId={(o) => o.id}
            sorting={[{ id: column, desc }]}
            onSort={(id) => setFilters({ ...filters, sort: toggledSort(filters.sort, id as SortColumn) })}
            testId="admin-orders"
          />
          <nav aria-label="Order pages" className="flex items-center justify-between gap-2">
            <button
              type="button"
              className="btn-secondary"
              disabled={page === 0 || orders.isFetching}
              onClick={() => setCursors(cursors.slice(0, -1))}
              data-testid="orders-prev"
            >
              Previous
            </button>
            <span className="text-sm text-stone-700" aria-live="polite">
              Page {page + 1}
              {orders.isFetching ? ' (loading…)' : ''}
            </span>
            <button
              type="button"
              className="btn-secondary"
              disabled={!orders.data.nextCursor || orders.isFetching}
              onClick={() => setCursors([...cursors, orders.data.nextCursor ?? undefined])}
              data-testid="orders-next"
            >
              Next
            </button>
          </nav>
        </>
      )}
    </div>
  );
}
