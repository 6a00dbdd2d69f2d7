/**
 * Customers: search the users read model by name or e-mail (GET /api/admin/customers, cursor pages), and one
 * customer's profile with their orders (GET /api/admin/customers/:id and …/orders).
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { Customer, CustomerPage as CustomerPageData, CustomerProfile } from '../api/admin-types.ts';
import { isApiError, withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { Order, OrderPage } from '../api/types.ts';
import { Price } from '../components/Price.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { formatTime } from '../orders/OrderPage.tsx';
import { STATUS_LABELS } from '../orders/timeline.ts';
import { adminColumns, DataTable } from './DataTable.tsx';
import { adminKey } from './use-admin-command.ts';

const col = adminColumns<Customer>();
const columns = [
  col.accessor('name', {
    header: 'Name',
    cell: (c) => (
      <Link
        to={`/admin/customers/${encodeURIComponent(c.row.original.id)}`}
        className="font-medium underline"
        data-testid="customer-link"
      >
        {c.getValue() ?? c.row.original.id}
      </Link>
    ),
  }),
  col.accessor('email', { header: 'E-mail', cell: (c) => c.getValue() ?? '—' }),
  col.accessor('role', { header: 'Role' }),
  col.accessor('firstSeenAt', { header: 'Customer since', cell: (c) => formatTime(c.getValue()) }),
];

export function CustomersPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const customers = useInfiniteQuery({
    queryKey: adminKey('customers', q),
    queryFn: ({ pageParam, signal }) =>
      api<CustomerPageData>(withQuery('/api/admin/customers', { q, cursor: pageParam, limit: 25 }), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = customers.data?.pages.flatMap((p) => p.items) ?? [];
  const search = (e: FormEvent) => {
    e.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {});
  };
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Customers</h1>
      <search>
        <form onSubmit={search} className="flex flex-wrap items-end gap-2">
          <div className="min-w-48 flex-1">
            <label htmlFor="customer-q" className="field-label">
              Search by name or e-mail
            </label>
            <input
              id="customer-q"
              type="search"
              className="field-input"
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-testid="customer-search"
            />
          </div>
          <button type="submit" className="btn-primary">
            Search
          </button>
        </form>
      </search>
      {customers.isPending ? (
        <LoadingState label="Loading customers…" />
      ) : customers.isError && items.length === 0 ? (
        <ErrorState title="Could not load customers" error={customers.error} onRetry={() => void customers.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={q ? 'No customer matches' : 'No customers yet'}>
          <p>Customers appear here when they sign up (the user service records Clerk's user events).</p>
        </EmptyState>
      ) : (
        <>
          <DataTable caption="Customers" columns={columns} data={items} rowId={(c) => c.id} testId="customers" />
          {customers.hasNextPage && (
            <button
              type="button"
              className="btn-secondary self-center"
              disabled={customers.isFetchingNextPage}
              onClick={() => void customers.fetchNextPage()}
            >
              {customers.isFetchingNextPage ? 'Loading…' : 'Load more customers'}
            </button>
          )}
        </>
      )}
    </div>
  );
}

const orderCol = adminColumns<Order>();
const orderColumns = [
  orderCol.accessor('id', {
    header: 'Order',
    cell: (c) => (
      <Link to={`/admin/orders/${encodeURIComponent(c.getValue())}`} className="font-medium underline">
        {c.getValue().slice(0, 8)}
      </Link>
    ),
  }),
  orderCol.accessor('placedAt', { header: 'Placed', cell: (c) => formatTime(c.getValue()) }),
  orderCol.accessor('status', { header: 'Status', cell: (c) => STATUS_LABELS[c.getValue()] }),
  orderCol.accessor('total', { header: 'Total', cell: (c) => <Price money={c.getValue()} /> }),
];

function CustomerOrders({ customerId }: { customerId: string }) {
  const api = useApi();
  const orders = useInfiniteQuery({
    queryKey: adminKey('customers', 'orders', customerId),
    queryFn: ({ pageParam, signal }) =>
      api<OrderPage>(
        withQuery(`/api/admin/customers/${encodeURIComponent(customerId)}/orders`, { cursor: pageParam, limit: 25 }),
        { signal },
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (orders.isPending) return <LoadingState label="Loading orders…" />;
  if (orders.isError)
    return <ErrorState title="Could not load the orders" error={orders.error} onRetry={() => void orders.refetch()} />;
  const items = orders.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <EmptyState title="No orders yet" />;
  return (
    <>
      <DataTable
        caption="Their orders"
        columns={orderColumns}
        data={items}
        rowId={(o) => o.id}
        testId="customer-orders"
      />
      {orders.hasNextPage && (
        <button type="button" className="btn-secondary self-center" onClick={() => void orders.fetchNextPage()}>
          Load more orders
        </button>
      )}
    </>
  );
}

export function CustomerPage() {
  const { customerId = '' } = useParams();
  const api = useApi();
  const customer = useQuery({
    queryKey: adminKey('customers', 'one', customerId),
    queryFn: ({ signal }) => api<CustomerProfile>(`/api/admin/customers/${encodeURIComponent(customerId)}`, { signal }),
  });
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        <Link to="/admin/customers" className="underline">
          ← Customers
        </Link>
      </p>
      {customer.isPending ? (
        <LoadingState label="Loading the customer…" />
      ) : customer.isError && !isApiError(customer.error, 404) ? (
        <ErrorState
          title="Could not load the customer"
          error={customer.error}
          onRetry={() => void customer.refetch()}
        />
      ) : (
        <header data-testid="customer" data-customer-id={customerId}>
          <h1 className="text-2xl font-bold">{customer.data?.name ?? customerId}</h1>
          <p className="text-sm text-stone-700">
            {customer.data?.email ?? 'No profile recorded (orders only)'}
            {customer.data && ` · customer since ${formatTime(customer.data.firstSeenAt)}`}
            {customer.data?.deleted && ' · account deleted'}
          </p>
          {customer.data && (
            <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="customer-stats">
              {(
                [
                  ['Orders', customer.data.stats.orders],
                  ['Paid orders', customer.data.stats.paidOrders],
                  ['Spent', <Price key="s" money={customer.data.stats.spent} />],
                  ['Refunded', <Price key="r" money={customer.data.stats.refunded} />],
                ] as const
              ).map(([label, value]) => (
                <div key={label} className="rounded-lg border border-stone-200 bg-white p-3">
                  <dt className="text-sm text-stone-600">{label}</dt>
                  <dd className="text-lg font-semibold">{value}</dd>
                </div>
              ))}
            </dl>
          )}
        </header>
      )}
      <section aria-labelledby="customer-orders-h" className="flex flex-col gap-2">
        <h2 id="customer-orders-h" className="text-lg font-semibold">
          Orders
        </h2>
        <CustomerOrders customerId={customerId} />
      </section>
    </div>
  );
}
