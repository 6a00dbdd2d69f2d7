/**
 * The catalog's filters live in the URL (so a search can be shared, reloaded and navigated back to): reading them
 * from search params and turning them into the /api/products query.
 */
import type { ProductSort } from '../api/types.ts';

export const SORTS: { value: ProductSort; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
  { value: 'newest', label: 'Newest' },
];

export interface CatalogFilters {
  q: string;
  category: string;
  /** Minor units, or undefined. */
  minPrice: number | undefined;
  maxPrice: number | undefined;
  sort: ProductSort;
}

function nonNegativeInt(s: string | null): number | undefined {
  if (s === null || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}

export function filtersFromParams(params: URLSearchParams): CatalogFilters {
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    category: params.get('category') ?? '',
    minPrice: nonNegativeInt(params.get('minPrice')),
    maxPrice: nonNegativeInt(params.get('maxPrice')),
    sort: SORTS.some((s) => s.value === sort) ? (sort as ProductSort) : 'name',
  };
}

export function filtersToParams(f: CatalogFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.category) p.set('category', f.category);
  if (f.minPrice !== undefined) p.set('minPrice', String(f.minPrice));
  if (f.maxPrice !== undefined) p.set('maxPrice', String(f.maxPrice));
  if (f.sort !== 'name') p.set('sort', f.sort);
  return p;
}

/** The gateway query for a page of results (a reversed range is swapped rather than answered with nothing). */
export function productsQuery(f: CatalogFilters, cursor: string | undefined, limit: number) {
  let { minPrice, maxPrice } = f;
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice)
    [minPrice, maxPrice] = [maxPrice, minPrice];
  return { q: f.q.trim(), category: f.category, minPrice, maxPrice, sort: f.sort, cursor, limit };
}
