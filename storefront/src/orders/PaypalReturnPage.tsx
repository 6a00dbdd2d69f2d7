/**
 * Where PayPal's approval page sends the shopper back (/orders/:id/paypal-return?token=<PayPal order id>): capture
 * the approved PayPal order through the gateway, then show the order, which moves to paid over SSE.
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useApi } from '../api/hooks.ts';
import { RequireSignIn } from '../components/RequireSignIn.tsx';
import { ErrorState, LoadingState } from '../components/states.tsx';
import { paypalOrderStorageKey } from './payment.ts';

function Capture({ orderId }: { orderId: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const paypalOrderId = params.get('token') ?? sessionStorage.getItem(paypalOrderStorageKey(orderId));
  const started = useRef(false);

  const capture = useMutation({
    mutationFn: (id: string) =>
      api<unknown>(`/api/orders/${encodeURIComponent(orderId)}/payment/paypal/capture`, {
        method: 'POST',
        body: { paypalOrderId: id },
      }),
    onSuccess: () => {
      sessionStorage.removeItem(paypalOrderStorageKey(orderId));
      navigate(`/orders/${encodeURIComponent(orderId)}`, { replace: true });
    },
  });

  useEffect(() => {
    // Once per visit (StrictMode mounts effects twice in development); the gateway's capture is idempotent anyway.
    if (started.current || !paypalOrderId) return;
    started.current = true;
    capture.mutate(paypalOrderId);
  }, [paypalOrderId, capture]);

  if (!paypalOrderId) {
    return (
      <ErrorState
        title="PayPal did not say which payment this is"
        error={new Error('The return link has no PayPal order token. Open your order and pay again.')}
      />
    );
  }
  if (capture.isError) {
    return (
      <div className="flex flex-col gap-3">
        <ErrorState
          title="Your PayPal payment could not be completed"
          error={capture.error}
          onRetry={() => capture.mutate(paypalOrderId)}
        />
        <Link to={`/orders/${encodeURIComponent(orderId)}`} className="underline">
          Back to your order
        </Link>
      </div>
    );
  }
  return <LoadingState label="Completing your PayPal payment…" />;
}

export function PaypalReturnPage() {
  const { orderId = '' } = useParams();
  return (
    <RequireSignIn reason="Sign in to complete your PayPal payment.">
      <Capture orderId={orderId} />
    </RequireSignIn>
  );
}
