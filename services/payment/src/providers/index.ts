/**
 * `@streamshop/payment-service/providers`: Stripe and PayPal behind one interface (see provider.ts), for the
 * gateway's checkout and webhook routes and the payment service's own adapters.
 */
import type { Config } from '@streamshop/config';
import type { Logger } from 'pino';
import { createPayPalProvider } from './paypal.provider.ts';
import type { PayPalProvider, StripeProvider } from './provider.ts';
import { createStripeProvider } from './stripe.provider.ts';

export { createPayPalProvider, paypalCaptureToCommand, paypalEventToCommand } from './paypal.provider.ts';
export { fromPayPalMoney, toPayPalMoney } from './paypal-money.ts';
export {
  type CheckoutStart,
  type PaymentProvider,
  PaymentProviderError,
  type PaymentProviderErrorCode,
  type PayPalCheckoutStart,
  type PayPalProvider,
  type PayPalWebhookEvent,
  type PayPalWebhookResource,
  type ProviderReport,
  providerCheckoutRecorded,
  providerEventCommand,
  type RecordProviderEventValue,
  type StartCheckout,
  type StripeCheckoutStart,
  type StripeProvider,
  WebhookVerificationError,
} from './provider.ts';
export { createStripeProvider, isLiveKey, stripeClient, stripeEventToCommand } from './stripe.provider.ts';

/** Both providers from the configuration (no I/O until used). */
export function createPaymentProviders(
  config: Config,
  logger?: Logger,
): { stripe: StripeProvider; paypal: PayPalProvider } {
  return {
    stripe: createStripeProvider(config.stripe, { logger }),
    paypal: createPayPalProvider(config.paypal, { logger }),
  };
}
