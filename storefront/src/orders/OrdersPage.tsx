/** "My orders": the signed-in shopper's orders, newest first, paged by cursor. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { OrderPage } from '../api/types.ts';
import { useAuth } from '../auth/auth-context.ts';
import { Price } from '../components/Price.tsx';
import { RequireSignIn } from '../components/RequireSignIn.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { formatTime } from './OrderPage.tsx';
import { ordersKey } from './order-queries.ts';
import { STATUS_LABELS } from './timeline.ts';

function OrdersList() {
  const api = useApi();
  const { user } = useAuth();
  const orders = useInfiniteQuery({
    queryKey: ordersKey(user?.id),
    queryFn: ({ pageParam, signal }) =>
      api<OrderPage>(withQuery('/api/orders', { cursor: pageParam, limit: 20 }), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  if (orders.isPending) return <LoadingState label="Loading your orders…" />;
  if (orders.isError) {
    return <ErrorState title="Could not load your orders" error={orders.error} onRetry={() => void orders.refetch()} />;
  }
  const items = orders.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return (
      <EmptyState title="No orders yet">
        <Link to="/" className="underline">
          Find something you like
        </Link>
      </EmptyState>
    );
  }
  return (
    <>
      <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white" data-testid="orders-list">
        {items.map((o) => (
          <li key={o.id}>
            <Link
              to={`/orders/${encodeURIComponent(o.id)}`}
              className="flex flex-wrap items-center justify-between gap-2 p-3 hover:bg-stone-50"
              data-testid="order-row"
              data-order-id={o.id}
            >
              <span className="font-medium">Order {o.id.slice(0, 8)}</span>
              <span className="text-sm text-stone-600">{formatTime(o.placedAt)}</span>
              <span className="rounded bg-stone-200 px-2 py-0.5 text-sm">{STATUS_LABELS[o.status]}</span>
              <Price money={o.total} className="font-semibold" />
            </Link>
          </li>
        ))}
      </ul>
      {orders.hasNextPage && (
        <button
          type="button"
          className="btn-secondary self-center"
          disabled={orders.isFetchingNextPage}
          onClick={() => void orders.fetchNextPage()}
        >
          {orders.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}

export function OrdersPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">My orders</h1>
      <RequireSignIn reason="Sign in to see your orders.">
        <OrdersList />
      </RequireSignIn>
    </div>
  );
}
