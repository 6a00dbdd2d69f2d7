/**
 * Customer queries over the `users` read model (one document per Clerk user) for the admin pages: a search by name
 * or e-mail with keyset pagination by name, a customer by id, and customers by ids (to name the customers of a page
 * of orders). Admin reads are not cached: few people make them, and they want what was just recorded.
 */
import type { Filter } from 'mongodb';
import type { QueryContext } from '../queries.ts';
import {
  type CursorValue,
  decodeCursor,
  encodeCursor,
  escapeRegExp,
  MAX_LIMIT,
  parseId,
  parseLimit,
  parseText,
  QueryInputError,
} from '../query-input.ts';
import type { UserDocument } from './users.projection.ts';

export interface Customer {
  id: string;
  name: string | null;
  email: string | null;
  imageUrl: string | null;
  role: UserDocument['role'];
  deleted: boolean;
  firstSeenAt: number;
  updatedAt: number;
}

export interface CustomerPage {
  items: Customer[];
  nextCursor: string | null;
}

export interface CustomerSearch {
  /** Case-insensitive substring of the name or the e-mail. */
  q?: string;
  cursor?: string;
  limit?: number;
}

export interface UserQueries {
  search(input?: CustomerSearch): Promise<CustomerPage>;
  byId(id: string): Promise<Customer | null>;
  /** Customers by id; ids without a document are absent. At most 100. */
  byIds(ids: readonly string[]): Promise<Map<string, Customer>>;
  /** Ids of the customers whose name or e-mail contains `text` (lower-cased), at most `limit`. */
  idsMatching(text: string, limit: number): Promise<string[]>;
}

export const DEFAULT_CUSTOMERS_LIMIT = 25;
const CURSOR = 'customers:name';
const FIELDS = {
  _id: 1,
  name: 1,
  email: 1,
  imageUrl: 1,
  role: 1,
  deleted: 1,
  sortName: 1,
  firstSeenAt: 1,
  updatedAt: 1,
} as const;

export function toCustomer(doc: Partial<UserDocument> & { _id: string }): Customer {
  return {
    id: doc._id,
    name: doc.name ?? null,
    email: doc.email ?? null,
    imageUrl: doc.imageUrl ?? null,
    role: doc.role ?? 'shopper',
    deleted: doc.deleted ?? false,
    firstSeenAt: doc.firstSeenAt ?? doc.updatedAt ?? 0,
    updatedAt: doc.updatedAt ?? 0,
  };
}

/** Customers matching `q` after the cursor position (`sortName` asc, then `_id` asc). */
export function customerSearchFilter(q: string | null, after: CursorValue[] | undefined): Filter<UserDocument> {
  const filter: Filter<UserDocument> = q === null ? {} : { searchText: { $regex: escapeRegExp(q) } };
  if (after === undefined) return filter;
  const [sortName, id] = after as [string, string];
  const keyset = { $or: [{ sortName: { $gt: sortName } }, { sortName, _id: { $gt: id } }] };
  return q === null ? keyset : { $and: [filter, keyset] };
}

export function customerCursorAfter(doc: Pick<UserDocument, '_id' | 'sortName'>): string {
  return encodeCursor(CURSOR, [doc.sortName ?? '', doc._id]);
}

export function createUserQueries(ctx: QueryContext): UserQueries {
  const open = async () => ctx.collection<UserDocument>('users', await ctx.generation('users'));

  return {
    async search(input = {}) {
      const q = parseText(input.q, 'q');
      const limit = parseLimit(input.limit, DEFAULT_CUSTOMERS_LIMIT);
      const after = decodeCursor(input.cursor || null, CURSOR, ['string', 'string']);
      const users = await open();
      const docs = await users
        .find(customerSearchFilter(q, after), {
          projection: FIELDS,
          sort: { sortName: 1, _id: 1 },
          limit: limit + 1,
        })
        .toArray();
      const rows = docs.slice(0, limit);
      const last = rows.at(-1);
      return {
        items: rows.map(toCustomer),
        nextCursor: docs.length > limit && last ? customerCursorAfter(last) : null,
      };
    },

    async byId(id) {
      const users = await open();
      const doc = await users.findOne({ _id: parseId(id, 'customerId') }, { projection: FIELDS });
      return doc ? toCustomer(doc) : null;
    },

    async byIds(ids) {
      if (!Array.isArray(ids) || ids.length > MAX_LIMIT) {
        throw new QueryInputError('invalid_id', `ids must be a list of at most ${MAX_LIMIT} ids`, 'ids');
      }
      const wanted = [...new Set(ids.map((id) => parseId(id, 'customerId')))];
      const found = new Map<string, Customer>();
      if (wanted.length === 0) return found;
      const users = await open();
      for (const doc of await users.find({ _id: { $in: wanted } }, { projection: FIELDS }).toArray()) {
        found.set(doc._id, toCustomer(doc));
      }
      return found;
    },

    async idsMatching(text, limit) {
      const users = await open();
      const docs = await users
        .find({ searchText: { $regex: escapeRegExp(text) } }, { projection: { _id: 1 }, limit })
        .toArray();
      return docs.map((d) => d._id);
    },
  };
}
