/**
 * Products: search the catalog, open one to edit it, create one, and import many from a CSV. The list is the shop's
 * search (active products); an archived product stays reachable from its page (and from the import), where it can be
 * restored.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { Product, ProductPage } from '../api/types.ts';
import { Price } from '../components/Price.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { adminColumns, DataTable } from './DataTable.tsx';
import { ProductImport } from './ProductImport.tsx';
import { adminKey } from './use-admin-command.ts';

const col = adminColumns<Product>();
const columns = [
  col.accessor('name', {
    header: 'Product',
    cell: (c) => (
      <span className="flex items-center gap-2">
        <ProductImage src={c.row.original.imageUrl} name={c.row.original.name} className="size-10 shrink-0 rounded" />
        <Link
          to={`/admin/products/${encodeURIComponent(c.row.original.id)}`}
          className="font-medium underline"
          data-testid="admin-product-link"
        >
          {c.getValue()}
        </Link>
      </span>
    ),
  }),
  col.accessor('sku', { header: 'SKU' }),
  col.accessor('category', { header: 'Category' }),
  col.accessor('price', { header: 'Price', cell: (c) => <Price money={c.getValue()} /> }),
  col.accessor('available', { header: 'Available' }),
];

export function ProductsPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const created = (useLocation().state as { created?: string } | null)?.created;
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const products = useInfiniteQuery({
    queryKey: adminKey('products', q),
    queryFn: ({ pageParam, signal }) =>
      api<ProductPage>(withQuery('/api/products', { q, cursor: pageParam, limit: 25 }), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];

  const search = (e: FormEvent) => {
    e.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {});
  };

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Products</h1>
        <Link to="/admin/products/new" className="btn-primary" data-testid="new-product">
          New product
        </Link>
      </div>
      {created && (
        <p role="status" className="rounded-md bg-teal-50 p-3 text-sm text-teal-900" data-testid="product-created">
          Product {created} created. It shows in the list below as soon as the catalog has it.
        </p>
      )}
      <search>
        <form onSubmit={search} className="flex flex-wrap items-end gap-2">
          <div className="min-w-48 flex-1">
            <label htmlFor="admin-product-q" className="field-label">
              Search by name, SKU or description
            </label>
            <input
              id="admin-product-q"
              type="search"
              className="field-input"
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-testid="admin-product-search"
            />
          </div>
          <button type="submit" className="btn-primary">
            Search
          </button>
        </form>
      </search>
      {products.isPending ? (
        <LoadingState label="Loading products…" />
      ) : products.isError && items.length === 0 ? (
        <ErrorState title="Could not load products" error={products.error} onRetry={() => void products.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={q ? 'No product matches' : 'No products yet'}>
          <p>Create one, or import a CSV below.</p>
        </EmptyState>
      ) : (
        <>
          <DataTable caption="Products" columns={columns} data={items} rowId={(p) => p.id} testId="admin-products" />
          {products.hasNextPage && (
            <button
              type="button"
              className="btn-secondary self-center"
              disabled={products.isFetchingNextPage}
              onClick={() => void products.fetchNextPage()}
            >
              {products.isFetchingNextPage ? 'Loading…' : 'Load more products'}
            </button>
          )}
        </>
      )}
      <ProductImport />
    </div>
  );
}
