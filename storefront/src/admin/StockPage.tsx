/**
 * Stock: what runs low (available at or below its SKU's threshold, GET /api/admin/stock/low) first, then every SKU's
 * levels (GET /api/admin/stock, cursor pages). A SKU opens its page to receive, correct or set its threshold.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { StockPage as StockPageData, StockRow } from '../api/admin-types.ts';
import { withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { adminColumns, DataTable } from './DataTable.tsx';
import { adminKey } from './use-admin-command.ts';

const col = adminColumns<StockRow>();
const columns = [
  col.accessor('sku', {
    header: 'SKU',
    cell: (c) => (
      <Link
        to={`/admin/stock/${encodeURIComponent(c.getValue())}`}
        className="font-medium underline"
        data-testid="stock-link"
      >
        {c.getValue()}
      </Link>
    ),
  }),
  col.accessor((s) => s.product?.name ?? '—', { id: 'product', header: 'Product' }),
  col.accessor('onHand', { header: 'On hand' }),
  col.accessor('reserved', { header: 'Reserved' }),
  col.accessor('available', {
    header: 'Available',
    cell: (c) => {
      const { low } = c.row.original;
      return (
        <span className={low ? 'font-semibold text-red-700' : undefined}>
          {c.getValue()}
          {low && <span className="sr-only"> (low)</span>}
        </span>
      );
    },
  }),
  col.accessor('threshold', { header: 'Low at', cell: (c) => (c.getValue() === 0 ? 'off' : c.getValue()) }),
];

function LowStock() {
  const api = useApi();
  const low = useQuery({
    queryKey: adminKey('stock', 'low'),
    queryFn: ({ signal }) => api<StockPageData>(withQuery('/api/admin/stock/low', { limit: 100 }), { signal }),
  });
  if (low.isPending) return <LoadingState label="Loading low stock…" />;
  if (low.isError)
    return <ErrorState title="Could not load low stock" error={low.error} onRetry={() => void low.refetch()} />;
  const items = low.data.items;
  if (items.length === 0) return <EmptyState title="Nothing is running low" />;
  return <DataTable caption="Running low" columns={columns} data={items} rowId={(s) => s.sku} testId="low-stock" />;
}

function AllStock() {
  const api = useApi();
  const stock = useInfiniteQuery({
    queryKey: adminKey('stock', 'all'),
    queryFn: ({ pageParam, signal }) =>
      api<StockPageData>(withQuery('/api/admin/stock', { cursor: pageParam, limit: 50 }), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (stock.isPending) return <LoadingState label="Loading stock…" />;
  if (stock.isError)
    return <ErrorState title="Could not load stock" error={stock.error} onRetry={() => void stock.refetch()} />;
  const items = stock.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <EmptyState title="No stock recorded yet" />;
  return (
    <>
      <DataTable caption="All stock" columns={columns} data={items} rowId={(s) => s.sku} testId="stock-overview" />
      {stock.hasNextPage && (
        <button
          type="button"
          className="btn-secondary self-center"
          disabled={stock.isFetchingNextPage}
          onClick={() => void stock.fetchNextPage()}
        >
          {stock.isFetchingNextPage ? 'Loading…' : 'Load more stock'}
        </button>
      )}
    </>
  );
}

export function StockPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Stock</h1>
      <section aria-labelledby="low-h" className="flex flex-col gap-2">
        <h2 id="low-h" className="text-lg font-semibold">
          Running low
        </h2>
        <LowStock />
      </section>
      <section aria-labelledby="all-h" className="flex flex-col gap-2">
        <h2 id="all-h" className="text-lg font-semibold">
          All SKUs
        </h2>
        <AllStock />
      </section>
    </div>
  );
}
