/**
 * The catalog: search, category, price range and sort (all kept in the URL), and an infinitely scrolling grid
 * that follows the gateway's cursor (useInfiniteQuery), with a "Load more" button for keyboards and old browsers.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { withQuery } from '../api/client.ts';
import { useApi, useConfig } from '../api/hooks.ts';
import type { CategoryCount, ProductPage, ProductSort } from '../api/types.ts';
import { EmptyState, ErrorState, InlineError, LoadingState } from '../components/states.tsx';
import { parseMajorAmount, toMajorInput } from '../money/money.ts';
import { type CatalogFilters, filtersFromParams, filtersToParams, productsQuery, SORTS } from './catalog-filters.ts';
import { ProductCard } from './ProductCard.tsx';

const PAGE_SIZE = 24;

function FilterBar({ filters, onChange }: { filters: CatalogFilters; onChange: (f: CatalogFilters) => void }) {
  const api = useApi();
  const { currency } = useConfig();
  const categories = useQuery({
    queryKey: ['categories'],
    queryFn: () => api<CategoryCount[]>('/api/categories'),
    staleTime: 60_000,
  });
  const [q, setQ] = useState(filters.q);
  const [min, setMin] = useState(filters.minPrice === undefined ? '' : toMajorInput(filters.minPrice, currency));
  const [max, setMax] = useState(filters.maxPrice === undefined ? '' : toMajorInput(filters.maxPrice, currency));

  // Back/forward navigation changes the URL under us: follow it.
  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(
    () => setMin(filters.minPrice === undefined ? '' : toMajorInput(filters.minPrice, currency)),
    [filters.minPrice, currency],
  );
  useEffect(
    () => setMax(filters.maxPrice === undefined ? '' : toMajorInput(filters.maxPrice, currency)),
    [filters.maxPrice, currency],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ ...filters, q, minPrice: parseMajorAmount(min, currency), maxPrice: parseMajorAmount(max, currency) });
  };

  return (
    <search>
      <form
        onSubmit={submit}
        aria-label="Filter products"
        className="grid gap-3 rounded-lg border border-stone-200 bg-white p-4 sm:grid-cols-12"
      >
        <div className="sm:col-span-4">
          <label htmlFor="catalog-q" className="field-label">
            Search products
          </label>
          <input
            id="catalog-q"
            type="search"
            className="field-input"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="e.g. mug, jacket…"
            data-testid="search-input"
          />
        </div>
        <div className="sm:col-span-3">
          <label htmlFor="catalog-category" className="field-label">
            Category
          </label>
          <select
            id="catalog-category"
            className="field-input"
            value={filters.category}
            onChange={(e) => onChange({ ...filters, category: e.target.value })}
            disabled={categories.isPending}
            data-testid="category-select"
          >
            <option value="">All categories</option>
            {categories.data?.map((c) => (
              <option key={c.category} value={c.category}>
                {c.category} ({c.count})
              </option>
            ))}
          </select>
          <InlineError error={categories.error} />
        </div>
        <div className="grid grid-cols-2 gap-2 sm:col-span-3">
          <div>
            <label htmlFor="catalog-min" className="field-label">
              Min price ({currency})
            </label>
            <input
              id="catalog-min"
              inputMode="decimal"
              className="field-input"
              value={min}
              onChange={(e) => setMin(e.target.value)}
              placeholder="0"
            />
          </div>
          <div>
            <label htmlFor="catalog-max" className="field-label">
              Max price ({currency})
            </label>
            <input
              id="catalog-max"
              inputMode="decimal"
              className="field-input"
              value={max}
              onChange={(e) => setMax(e.target.value)}
              placeholder="any"
            />
          </div>
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="catalog-sort" className="field-label">
            Sort by
          </label>
          <select
            id="catalog-sort"
            className="field-input"
            value={filters.sort}
            onChange={(e) => onChange({ ...filters, sort: e.target.value as ProductSort })}
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="flex items-end gap-2 sm:col-span-12">
          <button type="submit" className="btn-primary">
            Search
          </button>
          <button
            type="button"
            className="btn-secondary"
            onClick={() => onChange({ q: '', category: '', minPrice: undefined, maxPrice: undefined, sort: 'name' })}
          >
            Clear filters
          </button>
        </div>
      </form>
    </search>
  );
}

export function CatalogPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const sentinel = useRef<HTMLDivElement>(null);

  const products = useInfiniteQuery({
    queryKey: ['products', filtersToParams(filters).toString()],
    queryFn: ({ pageParam, signal }) =>
      api<ProductPage>(withQuery('/api/products', productsQuery(filters, pageParam, PAGE_SIZE)), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = products;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '400px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = products.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Catalog</h1>
      <FilterBar filters={filters} onChange={(f) => setParams(filtersToParams(f))} />
      {products.isPending ? (
        <LoadingState label="Loading products…" />
      ) : products.isError && items.length === 0 ? (
        <ErrorState title="Could not load the catalog" error={products.error} onRetry={() => void products.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No products match">
          <p>Try another search or clear the filters.</p>
        </EmptyState>
      ) : (
        <section aria-label="Products" aria-busy={products.isFetching}>
          <ul data-testid="product-grid" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
            {items.map((p) => (
              <ProductCard key={p.id} product={p} />
            ))}
          </ul>
          <div ref={sentinel} className="flex flex-col items-center gap-2 py-6">
            {isFetchingNextPage ? (
              <LoadingState label="Loading more products…" />
            ) : hasNextPage ? (
              <button type="button" className="btn-secondary" onClick={() => void fetchNextPage()}>
                Load more
              </button>
            ) : (
              <p className="text-sm text-stone-500">That is everything ({items.length} products).</p>
            )}
            {products.isFetchNextPageError && (
              <ErrorState title="Could not load more" error={products.error} onRetry={() => void fetchNextPage()} />
            )}
          </div>
        </section>
      )}
    </div>
  );
}
