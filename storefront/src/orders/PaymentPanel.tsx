/**
 * What the order page offers for payment, by provider and shop configuration: "Pay (test mode)" when Stripe runs
 * against stripe-mock (the payment service then emits the signed webhook the Stripe CLI would), Stripe Elements with
 * a real publishable key, or PayPal's approval page. Before the order asks for payment it says what it waits for.
 */
import { useMutation } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useApi, useConfig } from '../api/hooks.ts';
import type { Order } from '../api/types.ts';
import { InlineError, LoadingState } from '../components/states.tsx';
import { formatMoney } from '../money/money.ts';
import { paypalOrderStorageKey, useStartPayment } from './payment.ts';
import { awaitingPayment } from './timeline.ts';

const StripeCardPayment = lazy(() => import('./StripeCardPayment.tsx'));

function StripeTestModePayment({ order }: { order: Order }) {
  const api = useApi();
  const start = useStartPayment(order.id);
  const succeed = useMutation({
    mutationFn: () =>
      api<unknown>(`/api/orders/${encodeURIComponent(order.id)}/payment/stripe/test-succeed`, { method: 'POST' }),
  });
  const pay = async () => {
    await start.mutateAsync('stripe');
    await succeed.mutateAsync();
  };
  const busy = start.isPending || succeed.isPending;

  if (succeed.isSuccess) {
    return (
      <p role="status" data-testid="payment-submitted">
        Test payment sent — waiting for Stripe’s confirmation…
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-2">
      <button
        type="button"
        className="btn-primary"
        disabled={busy}
        onClick={() => void pay().catch(() => undefined)}
        data-testid="pay-test-mode"
      >
        {busy ? 'Paying…' : 'Pay (test mode)'}
      </button>
      <p className="text-xs text-stone-500">
        No card is charged: the shop runs against Stripe’s test server and simulates a successful payment of{' '}
        {formatMoney(order.total)}.
      </p>
      <InlineError error={start.error ?? succeed.error} />
    </div>
  );
}

function PaypalPayment({ order }: { order: Order }) {
  const start = useStartPayment(order.id);
  const go = async () => {
    const res = await start.mutateAsync('paypal');
    if (res.provider !== 'paypal') throw new Error('The shop answered with a non-PayPal payment.');
    sessionStorage.setItem(paypalOrderStorageKey(order.id), res.paypalOrderId);
    window.location.assign(res.approvalUrl);
  };
  return (
    <div className="flex flex-col gap-2">
      <button
        type="button"
        className="btn-primary bg-[#0070ba] hover:bg-[#005ea6]"
        disabled={start.isPending || start.isSuccess}
        onClick={() => void go().catch(() => undefined)}
        data-testid="pay-paypal"
      >
        {start.isPending || start.isSuccess ? 'Opening PayPal…' : 'Pay with PayPal'}
      </button>
      <InlineError error={start.error} />
    </div>
  );
}

export function PaymentPanel({ order }: { order: Order }) {
  const config = useConfig();

  let body: React.ReactNode;
  if (order.status === 'placed' || order.status === 'reserved') {
    body = (
      <p role="status" className="text-stone-700">
        Reserving your items — you can pay as soon as the shop asks for payment.
      </p>
    );
  } else if (awaitingPayment(order)) {
    if (order.payment?.status === 'failed') {
      body = (
        <p role="alert" className="text-red-700">
          The payment failed{order.payment.failureReason ? `: ${order.payment.failureReason}` : ''}.
        </p>
      );
    } else if (order.paymentProvider === 'paypal') {
      body = <PaypalPayment order={order} />;
    } else if (config.stripeTestMode) {
      body = <StripeTestModePayment order={order} />;
    } else if (config.stripePublishableKey) {
      body = (
        <Suspense fallback={<LoadingState label="Loading card payment…" />}>
          <StripeCardPayment orderId={order.id} amount={order.total} publishableKey={config.stripePublishableKey} />
        </Suspense>
      );
    } else {
      body = <p role="alert">Card payments are not configured on this shop.</p>;
    }
  } else if (order.status === 'paid') {
    body = <p role="status">Payment received — confirming your order…</p>;
  } else {
    return null;
  }

  return (
    <section
      aria-labelledby="payment-heading"
      className="rounded-lg border border-stone-200 bg-white p-4"
      data-testid="payment-panel"
    >
      <h2 id="payment-heading" className="mb-2 text-lg font-semibold">
        Payment · {order.paymentProvider === 'paypal' ? 'PayPal' : 'Card (Stripe)'}
      </h2>
      {body}
    </section>
  );
}
