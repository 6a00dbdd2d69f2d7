/**
 * Sales reports for the admin pages, aggregated at query time over the `sales` read model (one fact per confirmed
 * order). The aggregation runs here in TypeScript over a projected find limited to the range, not in a `$group`:
 * FerretDB 1.24 computes only the first accumulator of a `$group` reliably, and a range is at most 366 days.
 *
 * What the numbers mean (UTC calendar days, inclusive range):
 *  - `perDay`: one row for every day of the range, empty days included (charts need no gaps). `orders` and `revenue`
 *    count the orders *confirmed* that day (the order total), including orders refunded later. `refunds` counts the
 *    refunds *made* that day (`refundAmount`, or the whole total if a refunded fact has none), whichever day the order
 *    was confirmed — as the money moved; partial refunds each on their own day. `net = revenue - refunds`, so it can
 *    be negative on a day of refunds.
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

/** The admin dashboard over a range: the days, the range's totals, and the best-selling SKUs. */
export interface SalesDashboard {
  perDay: SalesDay[];
  /** Orders confirmed in the range. */
  orders: number;
  /** Their totals (gross: refunds are in `refunds`). */
  revenue: Money;
  /** Refunds made in the range, whichever day their order was confirmed. */
  refunds: Money;
  /** `revenue - refunds`. */
  net: Money;
  /** `revenue / orders`, rounded to a minor unit; 0 when nothing sold. */
  averageOrderValue: Money;
  /** At most `TOP_SKUS` each. */
  topSkusByRevenue: SkuSales[];
  topSkusByUnits: SkuSales[];
}

export interface SalesQueries {
  perDay(range: SalesRange): Promise<SalesDay[]>;
  perSku(range: SalesRange): Promise<SkuSales[]>;
  dashboard(range: SalesRange): Promise<SalesDashboard>;
}

export const TOP_SKUS = 10;

/** Currency of an empty report. */
export const DEFAULT_CURRENCY = 'EUR';
/** Facts of orders that were confirmed (a cancelled or still open order is no sale). */
const SOLD_STATES: SalesFact['state'][] = ['confirmed', 'refunded'];

export type ConfirmedFact = Pick<SalesFact, 'day' | 'currency' | 'total'>;
export type RefundFact = Pick<SalesFact, 'refundedAt' | 'refundAmount' | 'currency' | 'total' | 'refunds'>;
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
  for (const refund of refunds.flatMap(refundsOf)) {
    const row = rows.get(dayOf(refund.at));
    if (row) row.refunds += refund.amount;
  }
  return [...rows].map(([day, r]) => ({
    day,
    orders: r.orders,
    revenue: { amount: r.revenue, currency },
    refunds: { amount: r.refunds, currency },
    net: { amount: r.revenue - r.refunds, currency },
  }));
}

/** A fact's refunds; a fact folded before refunds were listed has one, its whole amount (or total) when it was made. */
function refundsOf(fact: RefundFact): { at: number; amount: number }[] {
  if (fact.refunds) return fact.refunds;
  return fact.refundedAt === null ? [] : [{ at: fact.refundedAt, amount: fact.refundAmount ?? fact.total.amount }];
}

/** The range's totals from its days, and the top SKUs both ways (ties by SKU, so the lists are stable). */
export function salesDashboard(perDay: SalesDay[], perSku: SkuSales[]): SalesDashboard {
  const currency = perDay[0]?.revenue.currency ?? perSku[0]?.revenue.currency ?? DEFAULT_CURRENCY;
  const sum = (pick: (d: SalesDay) => number) => perDay.reduce((total, d) => total + pick(d), 0);
  const orders = sum((d) => d.orders);
  const revenue = sum((d) => d.revenue.amount);
  const refunds = sum((d) => d.refunds.amount);
  const money = (amount: number) => ({ amount, currency });
  const bySku = (a: SkuSales, b: SkuSales) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);
  return {
    perDay,
    orders,
    revenue: money(revenue),
    refunds: money(refunds),
    net: money(revenue - refunds),
    averageOrderValue: money(orders === 0 ? 0 : Math.round(revenue / orders)),
    topSkusByRevenue: perSku.slice(0, TOP_SKUS),
    topSkusByUnits: [...perSku].sort((a, b) => b.quantity - a.quantity || bySku(a, b)).slice(0, TOP_SKUS),
  };
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

  const queries: SalesQueries = {
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
            // The last refund at or after the start: every fact with a refund in the range, and a few with only
            // earlier ones (salesPerDay places each refund on its own day and drops those outside the range).
            .find(
              { state: 'refunded', refundedAt: { $gte: range.startMs } },
              { projection: { _id: 0, refundedAt: 1, refundAmount: 1, refunds: 1, currency: 1, total: 1 } },
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

    async dashboard(input) {
      const [perDay, perSku] = await Promise.all([queries.perDay(input), queries.perSku(input)]);
      return salesDashboard(perDay, perSku);
    },
  };
  return queries;
}
