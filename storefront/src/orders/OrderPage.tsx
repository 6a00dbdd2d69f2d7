/**
 * One order, live: its status timeline (placed → stock reserved → payment requested → paid → confirmed → …, each
 * with the time it was reached), payment, lines, address. The first copy comes from GET /api/orders/:id (with
 * ?minVersion= right after checkout, for read-your-writes); every later change arrives over SSE and re-renders the
 * page in place. Someone else's order is "not found", exactly as a missing one.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { isApiError, withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { Order } from '../api/types.ts';
import { useAuth } from '../auth/auth-context.ts';
import { countryName } from '../checkout/address.ts';
import type { OrderPageState } from '../checkout/CheckoutPage.tsx';
import { Price } from '../components/Price.tsx';
import { RequireSignIn } from '../components/RequireSignIn.tsx';
import { EmptyState, ErrorState, InlineError, LoadingState } from '../components/states.tsx';
import { OrderDocuments } from './OrderDocuments.tsx';
import { OrderLines } from './OrderLines.tsx';
import { orderKey } from './order-queries.ts';
import { PaymentPanel } from './PaymentPanel.tsx';
import { PaypalCapture } from './PaypalReturnPage.tsx';
import { paypalReturnFrom } from './paypal-return.ts';
import { isSettled, STATUS_LABELS, timelineSteps } from './timeline.ts';
import { type LiveState, useOrderEvents } from './useOrderEvents.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export const formatTime = (iso: string) => timeFormat.format(new Date(iso));

const CANCELLABLE = new Set(['placed', 'reserved', 'payment_requested']);

export function Timeline({ order }: { order: Order }) {
  const steps = timelineSteps(order);
  return (
    <ol className="flex flex-col gap-0" aria-label="Order status" data-testid="order-timeline">
      {steps.map((s, i) => {
        const reached = s.state === 'done' || s.state === 'current' || s.state === 'ended';
        const dot =
          s.state === 'ended'
            ? 'bg-red-600 border-red-600'
            : reached
              ? 'bg-teal-700 border-teal-700'
              : 'bg-white border-stone-300';
        return (
          <li
            key={s.status}
            className="relative flex gap-3 pb-4 last:pb-0"
            data-testid={`timeline-step-${s.status}`}
            data-state={s.state}
            aria-current={s.state === 'current' ? 'step' : undefined}
          >
            {i < steps.length - 1 && (
              <span
                aria-hidden="true"
                className={`absolute left-[7px] top-4 h-full w-0.5 ${reached ? 'bg-teal-700' : 'bg-stone-200'}`}
              />
            )}
            <span aria-hidden="true" className={`relative mt-1 size-4 shrink-0 rounded-full border-2 ${dot}`} />
            <div className="flex flex-1 flex-wrap justify-between gap-x-3">
              <span className={reached ? 'font-medium' : 'text-stone-500'}>
                {s.label}
                <span className="sr-only">{reached ? ' (reached)' : ' (not yet)'}</span>
              </span>
              {s.at && (
                <time dateTime={s.at} className="text-sm text-stone-600" data-testid={`timeline-time-${s.status}`}>
                  {formatTime(s.at)}
                </time>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function LiveBadge({ state, settled }: { state: LiveState; settled: boolean }) {
  if (settled) return null;
  const text = {
    live: 'Live',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    off: 'Not live',
  }[state];
  return (
    <span
      data-testid="live-status"
      data-state={state}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs ${state === 'live' ? 'bg-teal-50 text-teal-800' : 'bg-stone-100 text-stone-600'}`}
    >
      <span aria-hidden="true" className={`size-2 rounded-full ${state === 'live' ? 'bg-teal-600' : 'bg-stone-400'}`} />
      {text}
    </span>
  );
}

/** Carrier and tracking number once the order is shipped (they arrive live, with the "Shipped" step). */
export function ShipmentSummary({ order }: { order: Order }) {
  const s = order.shipment;
  if (!s?.trackingNumber && !s?.carrier) return null;
  return (
    <p className="mt-2" data-testid="order-tracking">
      Shipped with {s.carrier ?? 'the carrier'}
      {s.trackingNumber && (
        <>
          , tracking number <span className="font-mono font-semibold">{s.trackingNumber}</span>
        </>
      )}
    </p>
  );
}

/** What has been refunded so far, and why. */
export function RefundSummary({ order }: { order: Order }) {
  const r = order.refund;
  if (!r || r.amount.amount <= 0) return null;
  const partly = order.refundStatus === 'partial';
  return (
    <p className="mt-2 flex justify-between gap-2 text-amber-900" data-testid="order-refunded">
      <span>
        {partly ? 'Partly refunded' : 'Refunded'}
        {r.reason ? ` (${r.reason})` : ''}
      </span>
      <Price money={r.amount} className="font-semibold" />
    </p>
  );
}

function OrderView({ orderId }: { orderId: string }) {
  const api = useApi();
  const { user } = useAuth();
  const location = useLocation();
  const placed = (location.state ?? {}) as OrderPageState;
  const [params, setParams] = useSearchParams();
  const paypalReturn = paypalReturnFrom(params);

  const order = useQuery({
    queryKey: orderKey(user?.id, orderId),
    queryFn: ({ signal }) =>
      api<Order>(withQuery(`/api/orders/${encodeURIComponent(orderId)}`, { minVersion: placed.minVersion }), {
        signal,
      }),
    // Right after checkout the read model may not have the order yet: a 404 then means "not yet".
    retry: (n, e) => (isApiError(e, 404) ? Boolean(placed.justPlaced) && n < 10 : n < 2),
    retryDelay: (n) => Math.min(2_000, 250 * 2 ** n),
  });
  const live = useOrderEvents(orderId, order.isSuccess);

  const cancel = useMutation({
    mutationFn: () => api<unknown>(`/api/orders/${encodeURIComponent(orderId)}/cancel`, { method: 'POST' }),
  });

  if (order.isPending) return <LoadingState label="Loading your order…" />;
  if (order.isError) {
    if (isApiError(order.error, 404)) {
      return (
        <div data-testid="order-not-found">
          <EmptyState title="Order not found">
            <p>There is no order {orderId} in your account.</p>
            <Link to="/orders" className="underline">
              See your orders
            </Link>
          </EmptyState>
        </div>
      );
    }
    return <ErrorState title="Could not load this order" error={order.error} onRetry={() => void order.refetch()} />;
  }

  const o = order.data;
  const a = o.shippingAddress;
  return (
    <article className="grid gap-6 md:grid-cols-3" data-testid="order-page" data-order-id={o.id} data-status={o.status}>
      <div className="flex flex-col gap-4 md:col-span-2">
        <header className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold">Order {o.id.slice(0, 8)}</h1>
          <span data-testid="order-status" className="rounded bg-stone-200 px-2 py-0.5 text-sm">
            {STATUS_LABELS[o.status]}
          </span>
          <LiveBadge state={live} settled={isSettled(o.status)} />
        </header>
        <p className="text-sm text-stone-600">
          Placed {formatTime(o.placedAt)} · <Price money={o.total} className="font-semibold" />
        </p>
        <section aria-labelledby="timeline-heading" className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 id="timeline-heading" className="mb-3 text-lg font-semibold">
            Status
          </h2>
          <div aria-live="polite">
            <Timeline order={o} />
          </div>
          {o.cancellation && (
            <p className="mt-3 text-sm text-red-700">Cancelled: {o.cancellation.reason.replaceAll('_', ' ')}</p>
          )}
        </section>
        {paypalReturn?.kind === 'approved' ? (
          <section aria-label="PayPal payment" className="rounded-lg border border-stone-200 bg-white p-4">
            <PaypalCapture
              orderId={o.id}
              paypalOrderId={paypalReturn.paypalOrderId}
              onDone={() => setParams({}, { replace: true })}
            />
          </section>
        ) : (
          <>
            {paypalReturn?.kind === 'cancelled' && (
              <p role="status" className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
                You cancelled the PayPal payment. You can pay again below while the order waits for payment.
              </p>
            )}
            <PaymentPanel order={o} />
          </>
        )}
      </div>
      <aside className="flex flex-col gap-4">
        <section aria-labelledby="items-heading" className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 id="items-heading" className="mb-2 text-lg font-semibold">
            Items
          </h2>
          <OrderLines lines={o.lines} />
          <p className="mt-2 flex justify-between border-t border-stone-200 pt-2 font-semibold">
            <span>Total</span> <Price money={o.total} />
          </p>
          <RefundSummary order={o} />
        </section>
        <section aria-labelledby="ship-heading" className="rounded-lg border border-stone-200 bg-white p-4 text-sm">
          <h2 id="ship-heading" className="mb-2 text-lg font-semibold">
            Shipping to
          </h2>
          <address className="not-italic">
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
          <ShipmentSummary order={o} />
        </section>
        <OrderDocuments order={o} />
        {CANCELLABLE.has(o.status) && (
          <div>
            <button
              type="button"
              className="btn-secondary"
              disabled={cancel.isPending || cancel.isSuccess}
              onClick={() => cancel.mutate()}
            >
              {cancel.isSuccess ? 'Cancellation requested' : 'Cancel order'}
            </button>
            <InlineError error={cancel.error} />
          </div>
        )}
      </aside>
    </article>
  );
}

export function OrderPage() {
  const { orderId = '' } = useParams();
  return (
    <RequireSignIn reason="Sign in to see this order.">
      <OrderView key={orderId} orderId={orderId} />
    </RequireSignIn>
  );
}
