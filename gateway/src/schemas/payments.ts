/** HTTP schemas of an order's checkout (`payments.routes.ts`). */
import { type Static, Type } from 'typebox';
import { PaymentProviderName } from './orders.ts';

export const StripeCheckout = Type.Object({
  provider: Type.Literal('stripe'),
  clientSecret: Type.String(),
  paymentIntentId: Type.String(),
  testMode: Type.Boolean(),
});

export const PaypalCheckout = Type.Object({
  provider: Type.Literal('paypal'),
  approvalUrl: Type.String(),
  paypalOrderId: Type.String(),
});

/** What starting a payment answers: a Stripe client secret or a PayPal approval link, by the order's provider. */
export const PaymentStart = Type.Union([StripeCheckout, PaypalCheckout]);
export type PaymentStart = Static<typeof PaymentStart>;

export const PaymentStartBody = Type.Object({ provider: PaymentProviderName }, { additionalProperties: false });
export type PaymentStartBody = Static<typeof PaymentStartBody>;
