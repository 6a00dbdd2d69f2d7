/**
 * Catalog queries over the `products` read model (one document per SKU, catalog fields plus available stock):
 * the shopper's search with keyset pagination, a product by id, products by SKU for pricing order lines, and the
 * category list.
 *
 * A document is a product once the catalog created it (`productId` set); before that it holds only stock levels and
 * is invisible here. Search and categories show only `active` products; `byId` and `bySkus` also return archived
 * ones, with their status, so the gateway can say "archived" rather than "not found".
 *
 * Search pages and the category list are cached under list keys (retired by any change to the generation, see
 * @streamshop/read-cache); a product by id under `rm:products:g<N>:id:<productId>`, the key the products worker
 * invalidates. `bySkus` is not cached: it prices orders, so it reads the freshest document.
 */
import type { Money } from '@streamshop/schemas/types';
import type { Filter, Sort } from 'mongodb';
import type { QueryContext } from '../queries.ts';
import {
  type CursorValue,
  decodeCursor,
  encodeCursor,
  escapeRegExp,
  MAX_LIMIT,
  parseId,
  parseLimit,
  QueryInputError,
} from '../query-input.ts';
import type { ProductDocument } from './products.projection.ts';

export interface Product {
  /** The catalog's product id. */
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: Money;
  imageUrl: string | null;
  status: 'active' | 'archived';
  /** Units that can still be ordered. */
  available: number;
  updatedAt: number;
}

export type ProductSort = 'name' | 'price_asc' | 'price_desc' | 'newest';

export interface ProductSearch {
  /** Case-insensitive substring of the name or the description. */
  q?: string;
  category?: string;
  /** Inclusive bounds on the unit price, in minor units. */
  minPrice?: number;
  maxPrice?: number;
  /** Default `name`. */
  sort?: ProductSort;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1..100, default 24. */
  limit?: number;
}

export interface ProductPage {
  items: Product[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface CategoryCount {
  category: string;
  count: number;
}

/** What an order line or a stock row shows of the product a SKU belongs to. */
export interface ProductSummary {
  sku: string;
  productId: string;
  name: string;
  imageUrl: string | null;
}

export interface ProductQueries {
  search(input?: ProductSearch): Promise<ProductPage>;
  byId(productId: string): Promise<Product | null>;
  /** Products (active or archived) by SKU; SKUs without a product are absent from the map. At most 100 SKUs. */
  bySkus(skus: readonly string[]): Promise<Map<string, Product>>;
  /** Categories with their number of active products, by category name. */
  categories(): Promise<CategoryCount[]>;
  /**
   * Name and image of the products of these SKUs (archived ones too), for showing order lines and stock rows; SKUs
   * without a product are absent. Cached per SKU under `rm:products:g<N>:sku:<sku>`, the key the products worker
   * deletes whenever that SKU's document changes, so a rename shows at once. At most 100 SKUs.
   */
  summariesBySku(skus: readonly string[]): Promise<Map<string, ProductSummary>>;
}

export const DEFAULT_SEARCH_LIMIT = 24;
const MAX_QUERY_LENGTH = 200;

/** Each sort is one field plus `_id` as the tie-breaker, so the order is total and a cursor is a unique position. */
const SORTS = {
  name: { field: 'name', direction: 1, type: 'string' },
  price_asc: { field: 'price.amount', direction: 1, type: 'number' },
  price_desc: { field: 'price.amount', direction: -1, type: 'number' },
  newest: { field: 'createdAt', direction: -1, type: 'number' },
} as const satisfies Record<ProductSort, { field: string; direction: 1 | -1; type: 'string' | 'number' }>;

const PRODUCT_FIELDS = {
  _id: 1,
  sku: 1,
  productId: 1,
  name: 1,
  description: 1,
  category: 1,
  price: 1,
  imageUrl: 1,
  status: 1,
  'stock.available': 1,
  createdAt: 1,
  updatedAt: 1,
} as const;

type ProductRow = Pick<ProductDocument, Exclude<keyof ProductDocument, 'searchText' | 'stock'>> & {
  stock?: { available?: number };
};

/** A validated search, in the one canonical form that also names its cache entry. */
export interface NormalizedSearch {
  q: string | null;
  category: string | null;
  minPrice: number | null;
  maxPrice: number | null;
  sort: ProductSort;
  cursor: string | null;
  /** The position decoded from `cursor`: `[sort value, _id]`. */
  after: CursorValue[] | undefined;
  limit: number;
}

export function normalizeSearch(input: ProductSearch = {}): NormalizedSearch {
  const sort = input.sort ?? 'name';
  if (!Object.hasOwn(SORTS, sort)) {
    throw new QueryInputError('invalid_sort', `sort must be one of ${Object.keys(SORTS).join(', ')}`, 'sort');
  }
  if (input.q !== undefined && typeof input.q !== 'string') {
    throw new QueryInputError('invalid_query', 'q must be a string', 'q');
  }
  // Lower-cased here because `searchText` is stored lower-cased: a plain substring match is then case-insensitive.
  const q = input.q?.trim().toLowerCase() || null;
  if (q !== null && q.length > MAX_QUERY_LENGTH) {
    throw new QueryInputError('invalid_query', `q must be at most ${MAX_QUERY_LENGTH} characters`, 'q');
  }
  if (input.category !== undefined && typeof input.category !== 'string') {
    throw new QueryInputError('invalid_query', 'category must be a string', 'category');
  }
  const minPrice = parsePrice(input.minPrice, 'minPrice');
  const maxPrice = parsePrice(input.maxPrice, 'maxPrice');
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) {
    throw new QueryInputError('invalid_price_range', 'minPrice must not be above maxPrice', 'minPrice');
  }
  const cursor = input.cursor || null;
  return {
    q,
    category: input.category || null,
    minPrice,
    maxPrice,
    sort,
    cursor,
    after: decodeCursor(cursor, cursorKind(sort), [SORTS[sort].type, 'string']),
    limit: parseLimit(input.limit, DEFAULT_SEARCH_LIMIT),
  };
}

function parsePrice(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new QueryInputError(
      'invalid_price_range',
      `${field} must be a whole, non-negative amount in minor units`,
      field,
    );
  }
  return value;
}

function cursorKind(sort: ProductSort): string {
  return `products:${sort}`;
}

/** Matches active products; the regex is the escaped literal `q`, so `(` or `.` in a query mean themselves. */
export function searchFilter(s: NormalizedSearch): Filter<ProductDocument> {
  const filter: Filter<ProductDocument> = { productId: { $ne: null }, status: 'active' };
  if (s.q !== null) filter.searchText = { $regex: escapeRegExp(s.q) };
  if (s.category !== null) filter.category = s.category;
  if (s.minPrice !== null || s.maxPrice !== null) {
    filter['price.amount'] = {
      ...(s.minPrice !== null ? { $gte: s.minPrice } : {}),
      ...(s.maxPrice !== null ? { $lte: s.maxPrice } : {}),
    };
  }
  if (s.after === undefined) return filter;
  // Keyset: strictly after the cursor's (value, _id) in the sort order.
  const { field, direction } = SORTS[s.sort];
  const [value, id] = s.after as [CursorValue, string];
  return {
    $and: [
      filter,
      { $or: [{ [field]: { [direction === 1 ? '$gt' : '$lt']: value } }, { [field]: value, _id: { $gt: id } }] },
    ],
  };
}

export function sortSpec(sort: ProductSort): Sort {
  const { field, direction } = SORTS[sort];
  return { [field]: direction, _id: 1 };
}

/** The position of a document in the given sort, as the cursor of the page that ends with it. */
export function cursorAfter(doc: ProductRow, sort: ProductSort): string {
  const value = sort === 'name' ? doc.name : sort === 'newest' ? doc.createdAt : doc.price?.amount;
  return encodeCursor(cursorKind(sort), [value ?? (SORTS[sort].type === 'string' ? '' : 0), doc._id]);
}

export { escapeRegExp };

/** The shopper's view of a document, or null while it is not (yet) a product. */
export function toProduct(doc: ProductRow): Product | null {
  if (doc.productId === null || doc.price === null || doc.status === null) return null;
  return {
    id: doc.productId,
    sku: doc.sku,
    name: doc.name,
    description: doc.description,
    category: doc.category,
    price: doc.price,
    imageUrl: doc.imageUrl ?? null,
    status: doc.status,
    available: doc.stock?.available ?? 0,
    updatedAt: doc.updatedAt,
  };
}

export function createProductQueries(ctx: QueryContext): ProductQueries {
  const { cache } = ctx;
  const open = async () => {
    const g = await ctx.generation('products');
    return { g, products: ctx.collection<ProductDocument>('products', g) };
  };

  return {
    async search(input) {
      const s = normalizeSearch(input);
      const { g, products } = await open();
      const params = JSON.stringify([s.q, s.category, s.minPrice, s.maxPrice, s.sort, s.cursor, s.limit]);
      const key = await cache.listKey('products', g, 'search', params);
      const page = await cache.getOrLoad<ProductPage>(key, async () => {
        // One more than the page: whether it came back says if there is a next page, without a count.
        const docs = (await products
          .find(searchFilter(s), { projection: PRODUCT_FIELDS, sort: sortSpec(s.sort), limit: s.limit + 1 })
          .toArray()) as ProductRow[];
        const rows = docs.slice(0, s.limit);
        const last = rows.at(-1);
        return {
          items: rows.map(toProduct).filter((p) => p !== null),
          nextCursor: docs.length > s.limit && last ? cursorAfter(last, s.sort) : null,
        };
      });
      return page ?? { items: [], nextCursor: null };
    },

    async byId(productId) {
      const id = parseId(productId, 'productId');
      const { g, products } = await open();
      return cache.getOrLoad<Product>(cache.key('products', g, 'id', id), async () => {
        const doc = await products.findOne({ productId: id }, { projection: PRODUCT_FIELDS });
        return doc ? toProduct(doc as ProductRow) : null;
      });
    },

    async bySkus(skus) {
      if (!Array.isArray(skus) || skus.length > MAX_LIMIT) {
        throw new QueryInputError('invalid_id', `skus must be a list of at most ${MAX_LIMIT} SKUs`, 'skus');
      }
      const wanted = [...new Set(skus.map((sku) => parseId(sku, 'sku')))];
      const found = new Map<string, Product>();
      if (wanted.length === 0) return found;
      const { products } = await open();
      const docs = await products.find({ _id: { $in: wanted } }, { projection: PRODUCT_FIELDS }).toArray();
      for (const doc of docs) {
        const product = toProduct(doc as ProductRow);
        if (product) found.set(product.sku, product);
      }
      return found;
    },

    async summariesBySku(skus) {
      if (!Array.isArray(skus) || skus.length > MAX_LIMIT) {
        throw new QueryInputError('invalid_id', `skus must be a list of at most ${MAX_LIMIT} SKUs`, 'skus');
      }
      const wanted = [...new Set(skus.map((sku) => parseId(sku, 'sku')))];
      const found = new Map<string, ProductSummary>();
      if (wanted.length === 0) return found;
      const { g, products } = await open();
      const summaries = await Promise.all(
        wanted.map((sku) =>
          cache.getOrLoad<ProductSummary>(cache.key('products', g, 'sku', sku), async () => {
            const doc = await products.findOne(
              { _id: sku },
              { projection: { _id: 1, sku: 1, productId: 1, name: 1, imageUrl: 1 } },
            );
            if (!doc?.productId) return null;
            return { sku: doc.sku, productId: doc.productId, name: doc.name, imageUrl: doc.imageUrl ?? null };
          }),
        ),
      );
      for (const summary of summaries) if (summary) found.set(summary.sku, summary);
      return found;
    },

    async categories() {
      const { g, products } = await open();
      const key = await cache.listKey('products', g, 'categories', '');
      const list = await cache.getOrLoad<CategoryCount[]>(key, async () => {
        // A single `$sum` accumulator: the one `$group` form FerretDB 1.24 computes reliably.
        const groups = await products
          .aggregate<{ _id: unknown; count: number }>([
            { $match: { productId: { $ne: null }, status: 'active' } },
            { $group: { _id: '$category', count: { $sum: 1 } } },
          ])
          .toArray();
        return groups
          .filter((grp): grp is { _id: string; count: number } => typeof grp._id === 'string' && grp._id !== '')
          .map((grp) => ({ category: grp._id, count: grp.count }))
          .sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
      });
      return list ?? [];
    },
  };
}
