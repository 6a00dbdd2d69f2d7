/**
 * The payment providers the gateway uses (Stripe and PayPal, from `@streamshop/payment-service/providers`), and how
 * their expected refusals become problems: a `PaymentProviderError` carries a stable `code` and a suggested status.
 */
import {
  type createPaymentProviders,
  PaymentProviderError,
  WebhookVerificationError,
} from '@streamshop/payment-service/providers';
import { HttpProblem } from '../plugins/problem-json.ts';

export type GatewayPaymentProviders = ReturnType<typeof createPaymentProviders>;

export function isWebhookVerificationError(err: unknown): boolean {
  return err instanceof WebhookVerificationError;
}

/** A provider refusal as a problem with the provider's code (e.g. 409 order_not_approved); anything else → 502. */
export function providerProblem(err: unknown, provider: 'stripe' | 'paypal'): HttpProblem {
  if (err instanceof PaymentProviderError) return new HttpProblem(err.status, err.code, err.message);
  return new HttpProblem(502, 'provider_unavailable', `${provider} did not answer as expected; retry`);
}
