/**
 * Sales reports for the admin pages, aggregated at query time over the `sales` read model (one fact per confirmed
 * order). The aggregation runs here in TypeScript over a projected find limited to the range, not in a `$group`:
 * FerretDB 1.24 computes only the first accumulator of a `$group` reliably, and a range is at most 366 days.
 *
 * What the numbers mean (UTC calendar days, inclusive range):
 *  - `perDay`: one row for every day of the range, empty days included (charts need no gaps). `orders` and `revenue`
 *    count the orders *confirmed* that day (the order total), including orders refunded later. `refunds` counts the
 *    refunds *made* that day (`refundAmount`, or the whole total if a refunded fact has none), whichever day the order
 *    was confirmed — as the money moved. `net = revenue - refunds`, so it can be negative on a day of refunds.
 *  - `perSku`: gross units and line amounts of the orders confirmed in the range, refunded ones included (a refund is
 *    an amount on the order, not per line, so it cannot be taken off a SKU), by revenue descending then SKU.
 * Money is in the facts' currency; the shop sells in one, so a range holding several is an error, not a mix.
 */
import type { Money } from '@streamshop/schemas/types';
import type { QueryContext } from '../queries.ts';
import { type DayRange, dayOf, parseDayRange } from '../query-input.ts';
import type { SalesFactDocument as SalesFact } from './sales.projection.ts';

export interface SalesRange {
  /** First day, `YYYY-MM-DD` (UTC). */
  from: string;
  /** Last day, inclusive. At most 366 days after `from`. */
  to: string;
}

export interface SalesDay {
  day: string;
  orders: number;
  revenue: Money;
  refunds: Money;
  net: Money;
}

export interface SkuSales {
  sku: string;
  quantity: number;
  revenue: Money;
}

export interface SalesQueries {
  perDay(range: SalesRange): Promise<SalesDay[]>;
  perSku(range: SalesRange): Promise<SkuSales[]>;
}

/** Currency of an empty report. */
export const DEFAULT_CURRENCY = 'EUR';
/** Facts of orders that were confirmed (a cancelled or still open order is no sale). */
const SOLD_STATES: SalesFact['state'][] = ['confirmed', 'refunded'];

export type ConfirmedFact = Pick<SalesFact, 'day' | 'currency' | 'total'>;
export type RefundFact = Pick<SalesFact, 'refundedAt' | 'refundAmount' | 'currency' | 'total'>;
export type SoldFact = Pick<SalesFact, 'currency' | 'lines'>;

export function salesPerDay(range: DayRange, confirmed: ConfirmedFact[], refunds: RefundFact[]): SalesDay[] {
  const currency = currencyOf([...confirmed, ...refunds]);
  const rows = new Map(range.days.map((day) => [day, { orders: 0, revenue: 0, refunds: 0 }]));
  for (const fact of confirmed) {
    const row = fact.day === null ? undefined : rows.get(fact.day);
    if (!row) continue;
    row.orders += 1;
    row.revenue += fact.total.amount;
  }
  for (const fact of refunds) {
    const row = fact.refundedAt === null ? undefined : rows.get(dayOf(fact.refundedAt));
    if (!row) continue;
    row.refunds += fact.refundAmount ?? fact.total.amount;
  }
  return [...rows].map(([day, r]) => ({
    day,
    orders: r.orders,
    revenue: { amount: r.revenue, currency },
    refunds: { amount: r.refunds, currency },
    net: { amount: r.revenue - r.refunds, currency },
  }));
}

export function salesPerSku(facts: SoldFact[]): SkuSales[] {
  const currency = currencyOf(facts);
  const bySku = new Map<string, { quantity: number; revenue: number }>();
  for (const fact of facts) {
    for (const line of fact.lines) {
      const row = bySku.get(line.sku) ?? { quantity: 0, revenue: 0 };
      row.quantity += line.quantity;
      row.revenue += line.amount;
      bySku.set(line.sku, row);
    }
  }
  return [...bySku]
    .map(([sku, r]) => ({ sku, quantity: r.quantity, revenue: { amount: r.revenue, currency } }))
    .sort((a, b) => b.revenue.amount - a.revenue.amount || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

function currencyOf(facts: { currency: string }[]): string {
  const currencies = new Set(facts.map((f) => f.currency));
  if (currencies.size > 1) {
    throw new Error(`sales facts in several currencies (${[...currencies].join(', ')}): reports are per currency`);
  }
  return currencies.values().next().value ?? DEFAULT_CURRENCY;
}

export function createSalesQueries(ctx: QueryContext): SalesQueries {
  const { cache } = ctx;
  const open = async () => {
    const g = await ctx.generation('sales');
    return { g, sales: ctx.collection<SalesFact>('sales', g) };
  };

  return {
    async perDay(input) {
      const range = parseDayRange(input ?? {});
      const { g, sales } = await open();
      const key = await cache.listKey('sales', g, 'per-day', `${range.from}/${range.to}`);
      const rows = await cache.getOrLoad<SalesDay[]>(key, async () => {
        const [confirmed, refunds] = await Promise.all([
          sales
            .find(
              { day: { $gte: range.from, $lte: range.to }, state: { $in: SOLD_STATES } },
              { projection: { _id: 0, day: 1, currency: 1, total: 1 } },
            )
            .toArray() as Promise<ConfirmedFact[]>,
          sales
            .find(
              { state: 'refunded', refundedAt: { $gte: range.startMs, $lt: range.endMs } },
              { projection: { _id: 0, refundedAt: 1, refundAmount: 1, currency: 1, total: 1 } },
            )
            .toArray() as Promise<RefundFact[]>,
        ]);
        return salesPerDay(range, confirmed, refunds);
      });
      return rows ?? [];
    },

    async perSku(input) {
      const range = parseDayRange(input ?? {});
      const { g, sales } = await open();
      const key = await cache.listKey('sales', g, 'per-sku', `${range.from}/${range.to}`);
      const rows = await cache.getOrLoad<SkuSales[]>(key, async () => {
        const facts = (await sales
          .find(
            { day: { $gte: range.from, $lte: range.to }, state: { $in: SOLD_STATES } },
            { projection: { _id: 0, currency: 1, lines: 1 } },
          )
          .toArray()) as SoldFact[];
        return salesPerSku(facts);
      });
      return rows ?? [];
    },
  };
}
