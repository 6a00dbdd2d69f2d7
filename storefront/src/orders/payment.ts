/**
 * Starting a payment for an order. The gateway answers 409 `payment_not_ready` while the payment service has not
 * set up the payment yet (the order shows "payment requested" a moment before the provider call returns), so the
 * request is retried a few times with a short backoff before the error is shown.
 */
import { useMutation } from '@tanstack/react-query';
import { isApiError } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { PaymentStart } from '../api/types.ts';

export const paypalOrderStorageKey = (orderId: string) => `streamshop.paypal-order.${orderId}`;

export function useStartPayment(orderId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: (provider: 'stripe' | 'paypal') =>
      api<PaymentStart>(`/api/orders/${encodeURIComponent(orderId)}/payment`, { method: 'POST', body: { provider } }),
    retry: (failures, e) => isApiError(e, 409, 'payment_not_ready') && failures < 8,
    retryDelay: (attempt) => Math.min(4_000, 500 * 2 ** attempt),
  });
}
