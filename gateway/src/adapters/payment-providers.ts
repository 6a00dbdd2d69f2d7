/**
 * The payment providers the gateway uses (Stripe and PayPal, from `@streamshop/payment-service/providers`), and how
 * their expected refusals become problems: a `PaymentProviderError` carries a stable `code` and a suggested status.
 */
import {
  type createPaymentProviders,
  PaymentProviderError,
  type PaymentProviderErrorCode,
  WebhookVerificationError,
} from '@streamshop/payment-service/providers';
import { HttpProblem } from '../plugins/problem-json.ts';

export type GatewayPaymentProviders = ReturnType<typeof createPaymentProviders>;

export function isWebhookVerificationError(err: unknown): boolean {
  return err instanceof WebhookVerificationError;
}

/**
 * What a client is told for each provider refusal: our words, never the provider's. The provider's message names our
 * account, its request ids and its internals; it goes to the log (the caller logs `err`) and the client gets the code.
 */
const GENERIC_DETAIL: Record<PaymentProviderErrorCode, (provider: string) => string> = {
  provider_request_refused: (p) => `${p} refused the payment request`,
  provider_unavailable: (p) => `${p} is not answering; retry in a moment`,
  provider_auth_failed: (p) => `payments with ${p} are unavailable; retry later`,
  provider_response_invalid: (p) => `${p} answered in a way we did not expect; retry`,
  provider_order_not_found: (p) => `${p} does not know this payment`,
  provider_order_mismatch: (p) => `this ${p} payment belongs to another order`,
  order_not_approved: (p) => `the ${p} payment has not been approved yet`,
  instrument_declined: (p) => `${p} declined the payment method; choose another`,
  live_mode: () => 'test-mode payments are not available',
  webhook_not_accepted: () => 'the test-mode payment could not be delivered; retry',
};

/**
 * A provider refusal as a problem with the provider's stable code (e.g. 409 order_not_approved) and a generic detail;
 * anything else → 502. Callers log `err` (its message is the provider's detail) before throwing this.
 */
export function providerProblem(err: unknown, provider: 'stripe' | 'paypal'): HttpProblem {
  const name = provider === 'stripe' ? 'Stripe' : 'PayPal';
  if (err instanceof PaymentProviderError) return new HttpProblem(err.status, err.code, GENERIC_DETAIL[err.code](name));
  return new HttpProblem(502, 'provider_unavailable', `${name} did not answer as expected; retry`);
}
