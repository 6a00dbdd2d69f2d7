/**
 * Coming back from PayPal's approval page. The gateway asks PayPal to return the shopper to the order page with
 * `?paypal=approved&token=<PayPal order id>&PayerID=…` (or `?paypal=cancelled`); the older
 * /orders/:id/paypal-return?token=… form is accepted too. The approved PayPal order is captured through the gateway
 * once, the query is dropped from the URL, and the order page carries on following the order over SSE.
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { useApi } from '../api/hooks.ts';
import { RequireSignIn } from '../components/RequireSignIn.tsx';
import { ErrorState, LoadingState } from '../components/states.tsx';
import { paypalOrderStorageKey } from './payment.ts';
import { paypalReturnFrom } from './paypal-return.ts';

/** Captures the approved PayPal order once, then calls `onDone` (which drops the return query from the URL). */
export function PaypalCapture({
  orderId,
  paypalOrderId,
  onDone,
}: {
  orderId: string;
  paypalOrderId: string;
  onDone: () => void;
}) {
  const api = useApi();
  const started = useRef(false);
  const capture = useMutation({
    mutationFn: () =>
      api<unknown>(`/api/orders/${encodeURIComponent(orderId)}/payment/paypal/capture`, {
        method: 'POST',
        body: { paypalOrderId },
      }),
    onSuccess: () => {
      sessionStorage.removeItem(paypalOrderStorageKey(orderId));
      onDone();
    },
  });
  const { mutate } = capture;

  useEffect(() => {
    // Once per visit (StrictMode runs effects twice in development); the gateway's capture is idempotent anyway.
    if (started.current) return;
    started.current = true;
    mutate();
  }, [mutate]);

  if (capture.isError) {
    return (
      <ErrorState
        title="Your PayPal payment could not be completed"
        error={capture.error}
        onRetry={() => capture.mutate()}
      />
    );
  }
  return <LoadingState label="Completing your PayPal payment…" />;
}

function LegacyReturn({ orderId }: { orderId: string }) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const back = `/orders/${encodeURIComponent(orderId)}`;
  const ret = paypalReturnFrom(params);
  const stored = sessionStorage.getItem(paypalOrderStorageKey(orderId));
  const paypalOrderId = ret?.kind === 'approved' ? ret.paypalOrderId : stored;

  if (ret?.kind === 'cancelled') return <Navigate to={`${back}?paypal=cancelled`} replace />;
  if (!paypalOrderId) {
    return (
      <div className="flex flex-col gap-3">
        <ErrorState
          title="PayPal did not say which payment this is"
          error={new Error('The return link has no PayPal order token. Open your order and pay again.')}
        />
        <Link to={back} className="underline">
          Back to your order
        </Link>
      </div>
    );
  }
  return (
    <PaypalCapture orderId={orderId} paypalOrderId={paypalOrderId} onDone={() => navigate(back, { replace: true })} />
  );
}

export function PaypalReturnPage() {
  const { orderId = '' } = useParams();
  return (
    <RequireSignIn reason="Sign in to complete your PayPal payment.">
      <LegacyReturn orderId={orderId} />
    </RequireSignIn>
  );
}
