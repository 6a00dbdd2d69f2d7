import { describe, expect, it } from 'vitest';
import { parseDayRange } from '../query-input.ts';
import { salesDashboard, salesPerDay, salesPerSku } from './sales.queries.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const at = (day: string, hour = 12) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

describe('sales per day', () => {
  const range = parseDayRange({ from: '2024-03-01', to: '2024-03-03' });

  it('counts confirmations on their day and refunds on the day of the refund, every day of the range listed', () => {
    const confirmed = [
      { day: '2024-03-01', currency: 'EUR', total: eur(1000) },
      { day: '2024-03-01', currency: 'EUR', total: eur(500) },
      { day: '2024-03-03', currency: 'EUR', total: eur(200) },
    ];
    const refunds = [
      { refundedAt: at('2024-03-03', 23), refundAmount: 300, currency: 'EUR', total: eur(1000) },
      // A refunded fact without an amount gives back the whole order.
      { refundedAt: at('2024-03-03', 0), refundAmount: null, currency: 'EUR', total: eur(50) },
    ];
    expect(salesPerDay(range, confirmed, refunds)).toEqual([
      { day: '2024-03-01', orders: 2, revenue: eur(1500), refunds: eur(0), net: eur(1500) },
      { day: '2024-03-02', orders: 0, revenue: eur(0), refunds: eur(0), net: eur(0) },
      { day: '2024-03-03', orders: 1, revenue: eur(200), refunds: eur(350), net: eur(-150) },
    ]);
  });

  it('puts each partial refund of one order on the day it was made, and drops those outside the range', () => {
    const refunds = [
      {
        refundedAt: at('2024-03-02'),
        refundAmount: 700,
        currency: 'EUR',
        total: eur(1000),
        refunds: [
          { at: at('2024-02-28'), amount: 400 },
          { at: at('2024-03-01'), amount: 100 },
          { at: at('2024-03-02'), amount: 200 },
        ],
      },
    ];
    expect(salesPerDay(range, [], refunds).map((d) => d.refunds.amount)).toEqual([100, 200, 0]);
  });

  it('is all zeros in EUR when nothing sold, and refuses to add up several currencies', () => {
    expect(salesPerDay(range, [], []).every((d) => d.revenue.currency === 'EUR' && d.orders === 0)).toBe(true);
    const mixed = [
      { day: '2024-03-01', currency: 'EUR', total: eur(1) },
      { day: '2024-03-01', currency: 'USD', total: { amount: 1, currency: 'USD' } },
    ];
    expect(() => salesPerDay(range, mixed, [])).toThrow(/several currencies/);
  });
});

describe('sales per SKU', () => {
  it('sums units and line amounts per SKU, by revenue descending then SKU', () => {
    const facts = [
      {
        currency: 'EUR',
        lines: [
          { sku: 'B', quantity: 1, amount: 300 },
          { sku: 'A', quantity: 2, amount: 200 },
        ],
      },
      {
        currency: 'EUR',
        lines: [
          { sku: 'A', quantity: 1, amount: 100 },
          { sku: 'C', quantity: 5, amount: 50 },
        ],
      },
    ];
    expect(salesPerSku(facts)).toEqual([
      { sku: 'A', quantity: 3, revenue: eur(300) },
      { sku: 'B', quantity: 1, revenue: eur(300) },
      { sku: 'C', quantity: 5, revenue: eur(50) },
    ]);
  });
});

describe('sales dashboard', () => {
  it('totals the days, averages the order value and ranks SKUs by revenue and by units', () => {
    const range = parseDayRange({ from: '2024-03-01', to: '2024-03-02' });
    const perDay = salesPerDay(
      range,
      [
        { day: '2024-03-01', currency: 'EUR', total: eur(1000) },
        { day: '2024-03-02', currency: 'EUR', total: eur(501) },
        { day: '2024-03-02', currency: 'EUR', total: eur(500) },
      ],
      [{ refundedAt: at('2024-03-02'), refundAmount: 300, currency: 'EUR', total: eur(1000) }],
    );
    const perSku = salesPerSku([
      {
        currency: 'EUR',
        lines: [
          { sku: 'A', quantity: 1, amount: 1000 },
          { sku: 'B', quantity: 10, amount: 500 },
          { sku: 'C', quantity: 10, amount: 501 },
        ],
      },
    ]);
    const d = salesDashboard(perDay, perSku);
    expect(d).toMatchObject({
      orders: 3,
      revenue: eur(2001),
      refunds: eur(300),
      net: eur(1701),
      averageOrderValue: eur(667),
    });
    expect(d.perDay.map((day) => day.net.amount)).toEqual([1000, 701]);
    expect(d.topSkusByRevenue.map((s) => s.sku)).toEqual(['A', 'C', 'B']);
    expect(d.topSkusByUnits.map((s) => s.sku)).toEqual(['B', 'C', 'A']);
  });

  it('averages to zero when nothing sold', () => {
    const perDay = salesPerDay(parseDayRange({ from: '2024-03-01', to: '2024-03-01' }), [], []);
    expect(salesDashboard(perDay, [])).toMatchObject({ orders: 0, averageOrderValue: eur(0), topSkusByUnits: [] });
  });
});
