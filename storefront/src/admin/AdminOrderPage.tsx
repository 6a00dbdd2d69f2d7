/**
 * One order in the back office, live (the same SSE stream the shopper's page follows): its timeline, lines, payment,
 * refunds and address, and the actions its status allows — ship (carrier, tracking number), mark delivered, cancel,
 * refund (an amount, or units of lines, optionally restocked; never more than captured minus refunded). Each action
 * is a command; the page changes when the order's events come back, not when the button is pressed.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { Money, Order } from '../api/types.ts';
import { useAuth } from '../auth/auth-context.ts';
import { countryName } from '../checkout/address.ts';
import { Field, fieldA11y } from '../components/Field.tsx';
import { Price } from '../components/Price.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { OrderDocuments } from '../orders/OrderDocuments.tsx';
import { OrderLines } from '../orders/OrderLines.tsx';
import { formatTime, LiveBadge, RefundSummary, ShipmentSummary, Timeline } from '../orders/OrderPage.tsx';
import { orderKey } from '../orders/order-queries.ts';
import { isSettled, STATUS_LABELS } from '../orders/timeline.ts';
import { useOrderEvents } from '../orders/useOrderEvents.ts';
import {
  type FieldErrors,
  fieldErrorsFromProblem,
  type RefundForm,
  type ShipForm,
  validateRefund,
  validateShip,
} from './admin-forms.ts';
import { Accepted, FormProblem } from './FormProblem.tsx';
import { adminKey, useAdminCommand } from './use-admin-command.ts';

const SHIPPABLE = new Set<Order['status']>(['paid', 'confirmed']);
const CANCELLABLE = new Set<Order['status']>(['placed', 'reserved', 'payment_requested', 'paid', 'confirmed']);
/** Units of these left the warehouse, so a refund may put them back in stock. */
const SHIPPED = new Set<Order['status']>(['shipped', 'delivered']);
const REFUNDABLE = new Set<Order['status']>(['paid', 'confirmed', 'shipped', 'delivered', 'refunded']);

/** Captured minus already refunded: the most a refund may still return. */
export function refundableOf(order: Pick<Order, 'payment' | 'refund'>): Money | null {
  if (order.payment?.status !== 'paid') return null;
  const captured = order.payment.amount;
  const refunded = order.refund?.amount.amount ?? 0;
  return { amount: Math.max(0, captured.amount - refunded), currency: captured.currency };
}

function useOrderCommand<V>(orderId: string, action: string) {
  return useAdminCommand(
    (body: V) => ({
      method: 'POST',
      path: `/api/admin/orders/${encodeURIComponent(orderId)}/${action}`,
      ...(body === undefined ? {} : { body }),
    }),
    { invalidate: [adminKey('orders')] },
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="rounded-lg border border-stone-200 bg-white p-4">
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Ship({ orderId }: { orderId: string }) {
  const id = useId();
  const [form, setForm] = useState<ShipForm>({ carrier: '', trackingNumber: '' });
  const [errors, setErrors] = useState<FieldErrors<ShipForm>>({});
  const ship = useOrderCommand<ShipForm>(orderId, 'ship');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateShip(form);
    setErrors(v.ok ? {} : v.errors);
    if (v.ok)
      ship.mutate(v.body, {
        onError: (err) => setErrors(fieldErrorsFromProblem<ShipForm>(err, ['carrier', 'trackingNumber'])),
      });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3" aria-label="Ship the order">
      <Field id={`${id}-c`} label="Carrier" error={errors.carrier}>
        <input
          {...fieldA11y(`${id}-c`, errors.carrier)}
          className="field-input"
          list={`${id}-carriers`}
          value={form.carrier}
          onChange={(e) => setForm((f) => ({ ...f, carrier: e.target.value }))}
          data-testid="ship-carrier"
        />
      </Field>
      <datalist id={`${id}-carriers`}>
        {['DHL', 'DPD', 'GLS', 'UPS', 'La Poste', 'PostNL'].map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <Field id={`${id}-t`} label="Tracking number" error={errors.trackingNumber}>
        <input
          {...fieldA11y(`${id}-t`, errors.trackingNumber)}
          className="field-input"
          value={form.trackingNumber}
          onChange={(e) => setForm((f) => ({ ...f, trackingNumber: e.target.value }))}
          data-testid="ship-tracking"
        />
      </Field>
      <FormProblem error={ship.error} fields={['carrier', 'trackingNumber']} />
      <Accepted show={ship.isSuccess}>Shipping recorded.</Accepted>
      <button type="submit" className="btn-primary self-start" disabled={ship.isPending} data-testid="ship-submit">
        Ship order
      </button>
    </form>
  );
}

function OneClick({
  orderId,
  action,
  label,
  confirm,
  testId,
}: {
  orderId: string;
  action: 'deliver' | 'cancel';
  label: string;
  confirm?: string;
  testId: string;
}) {
  const command = useOrderCommand<undefined>(orderId, action);
  return (
    <div className="flex flex-col gap-2">
      <button
        type="button"
        className={action === 'cancel' ? 'btn-secondary self-start' : 'btn-primary self-start'}
        disabled={command.isPending || command.isSuccess}
        onClick={() => {
          if (!confirm || window.confirm(confirm)) command.mutate(undefined);
        }}
        data-testid={testId}
      >
        {label}
      </button>
      <FormProblem error={command.error} />
      <Accepted show={command.isSuccess}>Requested; the order updates in a moment.</Accepted>
    </div>
  );
}

function Refund({ order, refundable }: { order: Order; refundable: Money }) {
  const id = useId();
  // Only units that left the warehouse can go back to stock (the Order decider refuses restock before shipment).
  const shipped = SHIPPED.has(order.status);
  const [form, setForm] = useState<RefundForm>({ mode: 'lines', amount: '', lines: {}, restock: shipped, reason: '' });
  const [errors, setErrors] = useState<FieldErrors<RefundForm>>({});
  const refund = useOrderCommand<unknown>(order.id, 'refund');
  const lines = order.lines;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateRefund(form, lines, refundable);
    setErrors(v.ok ? {} : v.errors);
    if (v.ok)
      refund.mutate(v.body, {
        onSuccess: () => setForm((f) => ({ ...f, amount: '', lines: {}, reason: '' })),
        onError: (err) => setErrors(fieldErrorsFromProblem<RefundForm>(err, ['amount', 'lines', 'reason'])),
      });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3" aria-label="Refund">
      <p className="text-sm text-stone-700">
        Up to <Price money={refundable} className="font-semibold" /> can still be refunded, through{' '}
        {order.payment?.provider === 'paypal' ? 'PayPal' : 'Stripe'}.
      </p>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="field-label">Refund</legend>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={form.mode === 'lines'}
            onChange={() => setForm((f) => ({ ...f, mode: 'lines' }))}
            data-testid="refund-mode-lines"
          />
          Units of lines
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={form.mode === 'amount'}
            onChange={() => setForm((f) => ({ ...f, mode: 'amount' }))}
            data-testid="refund-mode-amount"
          />
          An amount
        </label>
      </fieldset>
      {form.mode === 'amount' ? (
        <Field id={`${id}-amount`} label={`Amount (${refundable.currency})`} error={errors.amount}>
          <input
            {...fieldA11y(`${id}-amount`, errors.amount)}
            className="field-input w-32"
            inputMode="decimal"
            value={form.amount}
            onChange={(e) => setForm((f) => ({ ...f, amount: e.target.value }))}
            data-testid="refund-amount"
          />
        </Field>
      ) : (
        <fieldset className="flex flex-col gap-2" aria-describedby={errors.lines ? `${id}-lines-error` : undefined}>
          <legend className="field-label">Units to refund per line</legend>
          {lines.map((l) => (
            <div key={l.line} className="flex items-center justify-between gap-2 text-sm">
              <label htmlFor={`${id}-line-${l.line}`}>
                {l.name ?? l.sku} <span className="text-stone-600">(of {l.quantity})</span>
              </label>
              <input
                id={`${id}-line-${l.line}`}
                className="field-input mt-0 w-20"
                inputMode="numeric"
                placeholder="0"
                value={form.lines[l.line] ?? ''}
                onChange={(e) => setForm((f) => ({ ...f, lines: { ...f.lines, [l.line]: e.target.value } }))}
                data-testid={`refund-line-${l.line}`}
              />
            </div>
          ))}
          {errors.lines && (
            <p id={`${id}-lines-error`} className="text-sm text-red-700" data-testid="field-error">
              {errors.lines}
            </p>
          )}
          {shipped && (
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={form.restock}
                onChange={(e) => setForm((f) => ({ ...f, restock: e.target.checked }))}
                data-testid="refund-restock"
              />
              Put the refunded units back in stock
            </label>
          )}
        </fieldset>
      )}
      <Field id={`${id}-reason`} label="Reason" error={errors.reason}>
        <input
          {...fieldA11y(`${id}-reason`, errors.reason)}
          className="field-input"
          value={form.reason}
          onChange={(e) => setForm((f) => ({ ...f, reason: e.target.value }))}
          placeholder="damaged in transit, returned…"
          data-testid="refund-reason"
        />
      </Field>
      <FormProblem error={refund.error} fields={['amount', 'lines', 'reason']} />
      <Accepted show={refund.isSuccess}>Refund requested; the order shows it once the provider confirms.</Accepted>
      <button type="submit" className="btn-primary self-start" disabled={refund.isPending} data-testid="refund-submit">
        Refund
      </button>
    </form>
  );
}

function Actions({ order }: { order: Order }) {
  const refundable = refundableOf(order);
  const canRefund = REFUNDABLE.has(order.status) && refundable && refundable.amount > 0;
  const panels: ReactNode[] = [];
  if (SHIPPABLE.has(order.status))
    panels.push(
      <Panel key="ship" title="Ship">
        <Ship orderId={order.id} />
      </Panel>,
    );
  if (order.status === 'shipped')
    panels.push(
      <Panel key="deliver" title="Delivery">
        <OneClick orderId={order.id} action="deliver" label="Mark delivered" testId="deliver-submit" />
      </Panel>,
    );
  if (canRefund)
    panels.push(
      <Panel key="refund" title="Refund">
        {/* Keyed by shipment: the form's restock default follows the order when it ships while the page is open. */}
        <Refund key={SHIPPED.has(order.status) ? 'shipped' : 'not-shipped'} order={order} refundable={refundable} />
      </Panel>,
    );
  if (CANCELLABLE.has(order.status))
    panels.push(
      <Panel key="cancel" title="Cancel">
        <OneClick
          orderId={order.id}
          action="cancel"
          label="Cancel order"
          confirm="Cancel this order? Reserved stock is released and a captured payment is refunded."
          testId="cancel-submit"
        />
      </Panel>,
    );
  if (panels.length === 0) return <p className="text-sm text-stone-700">Nothing left to do for this order.</p>;
  return <>{panels}</>;
}

function AdminOrderView({ orderId }: { orderId: string }) {
  const api = useApi();
  const { user } = useAuth();
  // The same cache entry the live stream updates (useOrderEvents), so an event re-renders this page in place.
  const order = useQuery({
    queryKey: orderKey(user?.id, orderId),
    queryFn: ({ signal }) => api<Order>(`/api/admin/orders/${encodeURIComponent(orderId)}`, { signal }),
  });
  const live = useOrderEvents(orderId, order.isSuccess);

  if (order.isPending) return <LoadingState label="Loading the order…" />;
  if (order.isError) {
    if (isApiError(order.error, 404)) return <EmptyState title={`No order ${orderId}`} />;
    return <ErrorState title="Could not load the order" error={order.error} onRetry={() => void order.refetch()} />;
  }
  const o = order.data;
  const a = o.shippingAddress;
  return (
    <article
      className="grid gap-4 lg:grid-cols-3"
      data-testid="admin-order"
      data-order-id={o.id}
      data-status={o.status}
    >
      <div className="flex flex-col gap-4 lg:col-span-2">
        <header className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold">Order {o.id.slice(0, 8)}</h1>
          <span data-testid="order-status" className="rounded bg-stone-200 px-2 py-0.5 text-sm">
            {STATUS_LABELS[o.status]}
          </span>
          <LiveBadge state={live} settled={isSettled(o.status)} />
        </header>
        <p className="text-sm text-stone-700">
          Placed {formatTime(o.placedAt)} by{' '}
          <Link to={`/admin/customers/${encodeURIComponent(o.customerId)}`} className="underline">
            {o.customerId}
          </Link>{' '}
          · <Price money={o.total} className="font-semibold" /> · {o.paymentProvider === 'paypal' ? 'PayPal' : 'Stripe'}
          {o.payment && ` (${o.payment.status})`}
        </p>
        <Panel title="Status">
          <div aria-live="polite">
            <Timeline order={o} />
          </div>
          {o.cancellation && (
            <p className="mt-3 text-sm text-red-700">
              Cancelled by {o.cancellation.by}: {o.cancellation.reason.replaceAll('_', ' ')}
            </p>
          )}
          <ShipmentSummary order={o} />
        </Panel>
        <Panel title="Items">
          <OrderLines lines={o.lines} />
          <p className="mt-2 flex justify-between border-t border-stone-200 pt-2 font-semibold">
            <span>Total</span> <Price money={o.total} />
          </p>
          <RefundSummary order={o} />
          {(o.payment?.mismatches?.length ?? 0) > 0 && (
            <p className="mt-2 text-sm text-amber-900">
              {o.payment?.mismatches?.length} payment(s) did not match this order and were refunded by themselves.
            </p>
          )}
        </Panel>
        <Panel title="Shipping to">
          <address className="text-sm not-italic">
            {a.name}
            <br />
            {a.line1}
            {a.line2 && (
              <>
                <br />
                {a.line2}
              </>
            )}
            <br />
            {a.postalCode} {a.city}
            {a.region ? `, ${a.region}` : ''}
            <br />
            {countryName(a.country)}
          </address>
        </Panel>
      </div>
      <aside className="flex flex-col gap-4" aria-label="Actions">
        <Actions order={o} />
        <OrderDocuments order={o} />
      </aside>
    </article>
  );
}

export function AdminOrderPage() {
  const { orderId = '' } = useParams();
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        <Link to="/admin/orders" className="underline">
          ← Orders
        </Link>
      </p>
      <AdminOrderView key={orderId} orderId={orderId} />
    </div>
  );
}
