import { describe, expect, it } from 'vitest';
import { QueryInputError } from '../query-input.ts';
import {
  adminOrdersCursorAfter,
  adminOrdersFilter,
  adminOrdersSort,
  customerOrderStats,
  normalizeAdminSearch,
} from './admin-orders.queries.ts';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof QueryInputError ? err.code : String(err);
  }
  return 'no error';
};

describe('admin order search', () => {
  it('is every order, newest first, when nothing is asked', () => {
    const s = normalizeAdminSearch({});
    expect(adminOrdersFilter(s)).toEqual({});
    expect(adminOrdersSort(s.sort)).toEqual({ placedAt: -1, _id: 1 });
    expect(s.limit).toBe(25);
  });

  it('filters flat on status, customer and the placed days (to inclusive), and matches text on id or customers', () => {
    const s = normalizeAdminSearch({
      status: 'shipped',
      customerId: 'user_1',
      from: '2026-03-01',
      to: '2026-03-02',
      q: ' Ada@ ',
    });
    expect(adminOrdersFilter(s, ['user_1', 'user_2'])).toEqual({
      $and: [
        {
          status: 'shipped',
          customerId: 'user_1',
          placedAt: { $gte: Date.UTC(2026, 2, 1), $lt: Date.UTC(2026, 2, 3) },
        },
        { $or: [{ _id: { $regex: 'ada@', $options: 'i' } }, { customerId: { $in: ['user_1', 'user_2'] } }] },
      ],
    });
    // No customer matched: the text can still be part of an order id; a regex character means itself.
    expect(adminOrdersFilter(normalizeAdminSearch({ q: 'o-1.' }))).toEqual({
      $and: [{}, { _id: { $regex: 'o-1\\.', $options: 'i' } }],
    });
    expect(adminOrdersFilter(normalizeAdminSearch({ from: '2026-03-01' }))).toEqual({
      placedAt: { $gte: Date.UTC(2026, 2, 1) },
    });
  });

  it('continues after the cursor in its own sort, and refuses another sort’s cursor', () => {
    const cursor = adminOrdersCursorAfter({ _id: 'o7', placedAt: 1, total: EUR(1500) }, 'total_desc');
    const s = normalizeAdminSearch({ sort: 'total_desc', cursor });
    expect(adminOrdersSort(s.sort)).toEqual({ 'total.amount': -1, _id: 1 });
    expect(adminOrdersFilter(s)).toEqual({
      $and: [{}, { $or: [{ 'total.amount': { $lt: 1500 } }, { 'total.amount': 1500, _id: { $gt: 'o7' } }] }],
    });
    expect(codeOf(() => normalizeAdminSearch({ sort: 'total_asc', cursor }))).toBe('invalid_cursor');
  });

  it('refuses an unknown status or sort and a backwards range', () => {
    expect(codeOf(() => normalizeAdminSearch({ status: 'lost' }))).toBe('invalid_query');
    expect(codeOf(() => normalizeAdminSearch({ sort: 'name' }))).toBe('invalid_sort');
    expect(codeOf(() => normalizeAdminSearch({ from: '2026-03-02', to: '2026-03-01' }))).toBe('invalid_date_range');
  });
});

describe("a customer's order totals", () => {
  it('count every order, spend only paid ones less their refunds', () => {
    const stats = customerOrderStats([
      { status: 'shipped', total: EUR(2000), refund: { amount: EUR(500), reason: null }, placedAt: 30 },
      { status: 'cancelled', total: EUR(900), refund: null, placedAt: 10 },
      { status: 'refunded', total: EUR(700), refund: { amount: EUR(700), reason: null }, placedAt: 20 },
      { status: 'placed', total: EUR(100), refund: null, placedAt: 40 },
    ]);
    expect(stats).toEqual({
      orders: 4,
      paidOrders: 2,
      spent: EUR(1500),
      refunded: EUR(1200),
      firstOrderAt: 10,
      lastOrderAt: 40,
    });
    expect(customerOrderStats([])).toMatchObject({ orders: 0, spent: EUR(0), firstOrderAt: null });
  });
});
