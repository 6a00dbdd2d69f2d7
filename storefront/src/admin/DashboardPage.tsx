/**
 * The sales dashboard over a date range (GET /api/admin/dashboard): revenue net of refunds, order count, average
 * order value and refunds as figures; net revenue per day and the top SKUs as charts (recharts), each chart with the
 * same numbers as a table for screen readers and for copying. The charts themselves are hidden from assistive
 * technology (and recharts' keyboard layer is off, so nothing hidden takes focus): the tables say the same.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SalesDashboard } from '../api/admin-types.ts';
import { withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { Money } from '../api/types.ts';
import { Field } from '../components/Field.tsx';
import { Price } from '../components/Price.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { formatMoney, minorUnitsPerMajor } from '../money/money.ts';
import { adminKey } from './use-admin-command.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A UTC calendar day, `days` before today. */
export function utcDay(daysAgo: number, now = Date.now()): string {
  return new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

function Figure({ label, children, testId }: { label: string; children: React.ReactNode; testId: string }) {
  return (
    <div className="rounded-lg border border-stone-200 bg-white p-4" data-testid={testId}>
      <dt className="text-sm text-stone-600">{label}</dt>
      <dd className="mt-1 text-2xl font-bold">{children}</dd>
    </div>
  );
}

const major = (m: Money) => m.amount / minorUnitsPerMajor(m.currency);

function Charts({ data }: { data: SalesDashboard }) {
  const currency = data.net.currency;
  const money = (v: number) => formatMoney({ amount: Math.round(v * minorUnitsPerMajor(currency)), currency });
  const perDay = data.perDay.map((d) => ({ day: d.day.slice(5), net: major(d.net), refunds: major(d.refunds) }));
  const top = data.topSkusByRevenue.slice(0, 8).map((s) => ({ sku: s.sku, revenue: major(s.revenue) }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <figure className="rounded-lg border border-stone-200 bg-white p-4" data-testid="chart-revenue">
        <figcaption className="mb-2 font-semibold">Net revenue per day</figcaption>
        <div className="h-64" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={perDay} margin={{ left: 8, right: 8 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e7e5e4" />
              <XAxis dataKey="day" tick={{ fontSize: 12, fill: '#44403c' }} />
              <YAxis tick={{ fontSize: 12, fill: '#44403c' }} width={56} />
              <Tooltip formatter={(v) => money(Number(v))} />
              <Bar dataKey="net" name="Net revenue" fill="#0f766e" />
              <Bar dataKey="refunds" name="Refunds" fill="#b91c1c" />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-stone-700">Numbers per day</summary>
          <table className="mt-2 w-full">
            <caption className="sr-only">Orders, revenue, refunds and net revenue per day</caption>
            <thead>
              <tr className="text-left">
                <th scope="col">Day</th>
                <th scope="col">Orders</th>
                <th scope="col">Net</th>
                <th scope="col">Refunds</th>
              </tr>
            </thead>
            <tbody>
              {data.perDay.map((d) => (
                <tr key={d.day}>
                  <td>{d.day}</td>
                  <td>{d.orders}</td>
                  <td>
                    <Price money={d.net} />
                  </td>
                  <td>
                    <Price money={d.refunds} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figure>
      <figure className="rounded-lg border border-stone-200 bg-white p-4" data-testid="chart-top-skus">
        <figcaption className="mb-2 font-semibold">Top products by revenue</figcaption>
        <div className="h-64" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={top} layout="vertical" margin={{ left: 8, right: 8 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e7e5e4" />
              <XAxis type="number" tick={{ fontSize: 12, fill: '#44403c' }} />
              <YAxis type="category" dataKey="sku" width={110} tick={{ fontSize: 11, fill: '#44403c' }} />
              <Tooltip formatter={(v) => money(Number(v))} />
              <Bar dataKey="revenue" name="Revenue" fill="#0f766e" />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <table className="mt-2 w-full text-sm" data-testid="top-skus">
          <caption className="sr-only">Top products by revenue</caption>
          <thead>
            <tr className="text-left">
              <th scope="col">SKU</th>
              <th scope="col">Units</th>
              <th scope="col">Revenue</th>
            </tr>
          </thead>
          <tbody>
            {data.topSkusByRevenue.slice(0, 8).map((s) => (
              <tr key={s.sku}>
                <td>{s.sku}</td>
                <td>{s.quantity}</td>
                <td>
                  <Price money={s.revenue} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </figure>
    </div>
  );
}

export function DashboardPage() {
  const api = useApi();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const from = DAY.test(params.get('from') ?? '') ? (params.get('from') as string) : utcDay(29);
  const to = DAY.test(params.get('to') ?? '') ? (params.get('to') as string) : utcDay(0);
  const [range, setRange] = useState({ from, to });

  const dashboard = useQuery({
    queryKey: adminKey('dashboard', from, to),
    queryFn: ({ signal }) => api<SalesDashboard>(withQuery('/api/admin/dashboard', { from, to }), { signal }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [a, b] = range.from <= range.to ? [range.from, range.to] : [range.to, range.from];
    setParams({ from: a, to: b });
  };

  const d = dashboard.data;
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Dashboard</h1>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="Date range">
        <Field id={`${id}-from`} label="From (UTC day)" error={undefined}>
          <input
            id={`${id}-from`}
            type="date"
            className="field-input"
            value={range.from}
            onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))}
            required
          />
        </Field>
        <Field id={`${id}-to`} label="To (UTC day)" error={undefined}>
          <input
            id={`${id}-to`}
            type="date"
            className="field-input"
            value={range.to}
            onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))}
            required
          />
        </Field>
        <button type="submit" className="btn-primary">
          Show
        </button>
      </form>
      {dashboard.isPending ? (
        <LoadingState label="Loading sales…" />
      ) : dashboard.isError ? (
        <ErrorState title="Could not load the sales" error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : d && d.orders === 0 && d.refunds.amount === 0 ? (
        <EmptyState title="No sales in this range">
          <p>Pick a wider range, or see the orders waiting to be shipped.</p>
          <Link to="/admin/orders?status=confirmed" className="underline">
            Confirmed orders
          </Link>
        </EmptyState>
      ) : d ? (
        <>
          <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
            <Figure label="Revenue, net of refunds" testId="kpi-net">
              <Price money={d.net} />
            </Figure>
            <Figure label="Orders" testId="kpi-orders">
              {d.orders}
            </Figure>
            <Figure label="Average order value" testId="kpi-aov">
              <Price money={d.averageOrderValue} />
            </Figure>
            <Figure label="Refunds" testId="kpi-refunds">
              <Price money={d.refunds} />
            </Figure>
          </dl>
          <Charts data={d} />
        </>
      ) : null}
    </div>
  );
}
