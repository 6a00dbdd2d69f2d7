import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../query-input.ts';
import { customerCursorAfter, customerSearchFilter, toCustomer } from './users.queries.ts';

describe('customer search', () => {
  it('matches the lower-cased name or e-mail literally, and continues after the cursor by name then id', () => {
    expect(customerSearchFilter(null, undefined)).toEqual({});
    expect(customerSearchFilter('a.b+', undefined)).toEqual({ searchText: { $regex: 'a\\.b\\+' } });
    const after = decodeCursor(customerCursorAfter({ _id: 'user_2', sortName: 'bob' }), 'customers:name', [
      'string',
      'string',
    ]);
    const keyset = { $or: [{ sortName: { $gt: 'bob' } }, { sortName: 'bob', _id: { $gt: 'user_2' } }] };
    expect(customerSearchFilter(null, after)).toEqual(keyset);
    expect(customerSearchFilter('ada', after)).toEqual({ $and: [{ searchText: { $regex: 'ada' } }, keyset] });
  });

  it('shows a customer without the internal fields, with defaults for fields a document lacks', () => {
    expect(toCustomer({ _id: 'user_1', name: 'Ada', updatedAt: 5 })).toEqual({
      id: 'user_1',
      name: 'Ada',
      email: null,
      imageUrl: null,
      role: 'shopper',
      deleted: false,
      firstSeenAt: 5,
      updatedAt: 5,
    });
  });
});
