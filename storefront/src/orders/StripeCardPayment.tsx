/**
 * Card payment with Stripe Elements, for a shop configured with a real publishable key: the gateway creates the
 * PaymentIntent (its client secret comes back from POST /payment), Elements collects the card and confirms it, and
 * Stripe's webhook moves the order on — the page follows over SSE. Loaded lazily: test-mode shops never load Stripe.
 */
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { loadStripe, type Stripe } from '@stripe/stripe-js';
import { type FormEvent, useState } from 'react';
import type { Money } from '../api/types.ts';
import { ErrorState, InlineError } from '../components/states.tsx';
import { formatMoney } from '../money/money.ts';
import { useStartPayment } from './payment.ts';

const stripes = new Map<string, Promise<Stripe | null>>();
function stripeFor(publishableKey: string): Promise<Stripe | null> {
  let s = stripes.get(publishableKey);
  if (!s) {
    s = loadStripe(publishableKey);
    stripes.set(publishableKey, s);
  }
  return s;
}

function CardForm({ amount }: { amount: Money }) {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!stripe || !elements) return;
    setBusy(true);
    setError(null);
    const result = await stripe.confirmPayment({
      elements,
      redirect: 'if_required',
      confirmParams: { return_url: window.location.href },
    });
    setBusy(false);
    if (result.error) setError(result.error.message ?? 'The card was not accepted.');
    else setSubmitted(true);
  };

  if (submitted) {
    return (
      <p role="status" data-testid="payment-submitted">
        Payment submitted — waiting for confirmation…
      </p>
    );
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-3">
      <PaymentElement />
      <button type="submit" className="btn-primary" disabled={!stripe || busy}>
        {busy ? 'Paying…' : `Pay ${formatMoney(amount)}`}
      </button>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}

export default function StripeCardPayment({
  orderId,
  amount,
  publishableKey,
}: {
  orderId: string;
  amount: Money;
  publishableKey: string;
}) {
  const start = useStartPayment(orderId);
  const secret = start.data?.provider === 'stripe' ? start.data.clientSecret : undefined;

  if (!secret) {
    return (
      <div className="flex flex-col gap-2">
        <button
          type="button"
          className="btn-primary"
          disabled={start.isPending}
          onClick={() => start.mutate('stripe')}
          data-testid="pay-card"
        >
          {start.isPending ? 'Preparing payment…' : 'Pay by card'}
        </button>
        <InlineError error={start.error} />
      </div>
    );
  }
  return (
    <Elements stripe={stripeFor(publishableKey)} options={{ clientSecret: secret }}>
      {start.isError ? <ErrorState error={start.error} /> : <CardForm amount={amount} />}
    </Elements>
  );
}
