/**
 * The payment providers behind one interface: what the gateway (checkout, webhooks) and the payment service's own
 * adapters need from Stripe and PayPal. A provider starts a checkout for a payment, verifies the webhooks it sends,
 * and turns what it reports into the RecordProviderEvent command the Payment decider records (deduplicated by the
 * provider's event id). Expected provider refusals are PaymentProviderError with a stable `code`; a webhook whose
 * signature does not verify is WebhookVerificationError (`code: 'invalid_signature'`).
 */
import { commandEnvelope, deterministicId } from '@streamshop/eventsourcing-kafka';
import type { Money, RecordTypes } from '@streamshop/schemas/types';
import type Stripe from 'stripe';

export type RecordProviderEventValue = RecordTypes['streamshop.payments.RecordProviderEvent'];

/** What a provider reports about a payment; the envelope is the same for every provider. */
export type ProviderReport = Pick<
  RecordProviderEventValue,
  'providerEventId' | 'kind' | 'providerReference' | 'amount' | 'failureReason'
>;

/**
 * The RecordProviderEvent for a provider's report on a payment: addressed to the payment, correlated with its
 * order, issued `now`, with a command id derived from the provider's ids (so a redelivery is the same command),
 * and no idempotency key (the decider deduplicates reports by providerEventId).
 */
export function providerEventCommand(
  payment: { paymentId: string; orderId: string },
  commandId: string,
  now: number,
  report: ProviderReport,
): RecordProviderEventValue {
  return {
    ...commandEnvelope({ commandId, aggregateId: payment.paymentId, issuedAt: now, correlationId: payment.orderId }),
    ...report,
  };
}

/**
 * The RecordProviderCheckout for a provider object created for a payment (Stripe PaymentIntent, PayPal order), sent
 * before the shopper can pay it: the Payment decider accepts captures only on recorded references. The command id
 * is derived from the payment and the reference, so recording it again is the same command (and a no-op).
 */
export function providerCheckoutRecorded(
  payment: { paymentId: string; correlationId: string; causationId: string | null },
  provider: 'stripe' | 'paypal',
  providerReference: string,
  now: number,
): RecordTypes['streamshop.payments.RecordProviderCheckout'] {
  return {
    ...commandEnvelope({
      commandId: deterministicId('provider-checkout', payment.paymentId, providerReference),
      aggregateId: payment.paymentId,
      issuedAt: now,
      correlationId: payment.correlationId,
      causationId: payment.causationId,
    }),
    provider,
    providerReference,
  };
}

export type StripeCheckoutStart = {
  provider: 'stripe';
  clientSecret: string;
  paymentIntentId: string;
  testMode: boolean;
};
export type PayPalCheckoutStart = { provider: 'paypal'; approvalUrl: string; paypalOrderId: string };
export type CheckoutStart = StripeCheckoutStart | PayPalCheckoutStart;

export interface StartCheckout {
  paymentId: string;
  orderId: string;
  amount: Money;
  /** Where the provider sends the shopper back after approving (PayPal), with `?token=<paypal order id>&PayerID=…`. */
  returnUrl?: string;
  /** Where the provider sends the shopper who cancels (PayPal). */
  cancelUrl?: string;
}

/** A refund the payments context decided (PaymentRefundRequested), for the provider that captured the payment. */
export interface RefundRequest {
  paymentId: string;
  orderId: string;
  /** The capture as the provider reported it (PaymentCaptured.providerReference): Stripe PaymentIntent, PayPal order. */
  providerReference: string;
  amount: Money;
  reason: string | null;
  /** Unique per refund decision (the PaymentRefundRequested event id): asking again makes no second refund. */
  idempotencyKey: string;
}

export interface PaymentProvider {
  /** Idempotent per payment id: starting the same payment's checkout again gives the same provider object. */
  startCheckout(p: StartCheckout): Promise<CheckoutStart>;
  /**
   * Asks the provider to refund, idempotently per `idempotencyKey`. Returns the `refunded` command to record when
   * the provider says the refund is done, with the same providerEventId its refund webhook maps to (so the two are
   * recorded once), or null while the refund is pending (its webhook records it later). Throws
   * PaymentProviderError: permanent when the provider refuses the refund for good.
   */
  refund(r: RefundRequest, now: number): Promise<RecordProviderEventValue | null>;
}

export interface StripeProvider extends PaymentProvider {
  /** True with a test-mode key (sk_test_…/rk_test_…): the storefront may offer simulateSucceeded. */
  readonly testMode: boolean;
  startCheckout(p: StartCheckout): Promise<StripeCheckoutStart>;
  /** Checks the Stripe-Signature header against the endpoint's signing secret; throws WebhookVerificationError. */
  verifyWebhook(rawBody: Buffer | string, signatureHeader: string | undefined): Stripe.Event;
  /** The command for a verified event, or null for an event we ignore (other types, intents that are not ours). */
  toCommand(event: Stripe.Event, now: number): RecordProviderEventValue | null;
  /**
   * Test mode only (throws PaymentProviderError `live_mode` with a live key): POSTs to `webhookUrl` the
   * `payment_intent.succeeded` event Stripe would send for this payment, signed with the webhook secret as the
   * Stripe CLI signs (`stripe.webhooks.generateTestHeaderString`).
   */
  simulateSucceeded(p: {
    paymentId: string;
    orderId: string;
    amount: Money;
    webhookUrl: string;
    /** The PaymentIntent to report paid (the one checkout recorded); default: the payment's, created idempotently. */
    paymentIntentId?: string;
  }): Promise<{
    eventId: string;
  }>;
}

/** A PayPal webhook event as PayPal POSTs it (the fields we read; PayPal sends more). */
export interface PayPalWebhookEvent {
  id: string;
  event_type: string;
  event_version?: string;
  create_time?: string;
  resource_type?: string;
  summary?: string;
  resource: PayPalWebhookResource;
}

/** A capture (PAYMENT.CAPTURE.*) or a refund (PAYMENT.CAPTURE.REFUNDED). */
export interface PayPalWebhookResource {
  id?: string;
  status?: string;
  amount?: { currency_code: string; value: string };
  custom_id?: string;
  invoice_id?: string;
  status_details?: { reason?: string };
  supplementary_data?: { related_ids?: { order_id?: string; capture_id?: string } };
  links?: { href: string; rel: string; method?: string }[];
  [field: string]: unknown;
}

export interface PayPalProvider extends PaymentProvider {
  startCheckout(p: StartCheckout): Promise<PayPalCheckoutStart>;
  /**
   * Captures the approved PayPal order of this payment (Orders v2) and returns the command to send: `captured`
   * (`authorized` while PayPal holds the capture PENDING) or `failed` when PayPal declines it. Idempotent: an order
   * already captured gives the same command. Throws PaymentProviderError when there is nothing to record yet,
   * notably `order_not_approved` (the shopper has not approved: send them to the approval link) and
   * `instrument_declined` (PayPal asks the shopper to choose another funding source: same link).
   */
  capture(
    p: { paypalOrderId: string; paymentId: string; orderId: string },
    now: number,
  ): Promise<RecordProviderEventValue>;
  /** Verifies through PayPal's verify-webhook-signature API; throws WebhookVerificationError unless SUCCESS. */
  verifyWebhook(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer | string,
  ): Promise<PayPalWebhookEvent>;
  /** The command for a verified event (PAYMENT.CAPTURE.*), or null for an event we ignore. */
  toCommand(event: PayPalWebhookEvent, now: number): RecordProviderEventValue | null;
}

/** A webhook whose signature does not verify: answer 400, record nothing. */
export class WebhookVerificationError extends Error {
  readonly code = 'invalid_signature' as const;
  constructor(
    readonly provider: 'stripe' | 'paypal',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WebhookVerificationError';
  }
}

export type PaymentProviderErrorCode =
  /** The provider refused the request for good (4xx): retrying the same request gets the same answer. */
  | 'provider_request_refused'
  /** Network failure, timeout, 429 or 5xx: retry later. */
  | 'provider_unavailable'
  /** Our credentials were refused: a configuration problem. */
  | 'provider_auth_failed'
  /** The provider answered something we cannot read. */
  | 'provider_response_invalid'
  /** The PayPal order does not exist. */
  | 'provider_order_not_found'
  /** The PayPal order belongs to another payment than the one named. */
  | 'provider_order_mismatch'
  /** PayPal: the shopper has not approved the order yet. */
  | 'order_not_approved'
  /** PayPal: the funding source was declined; the shopper may choose another on the approval page. */
  | 'instrument_declined'
  /** A test-mode-only operation was asked with live credentials. */
  | 'live_mode'
  /** The receiver of a simulated webhook did not accept it. */
  | 'webhook_not_accepted';

const SUGGESTED_STATUS: Record<PaymentProviderErrorCode, number> = {
  provider_request_refused: 502,
  provider_unavailable: 503,
  provider_auth_failed: 502,
  provider_response_invalid: 502,
  provider_order_not_found: 404,
  provider_order_mismatch: 409,
  order_not_approved: 409,
  instrument_declined: 402,
  live_mode: 403,
  webhook_not_accepted: 502,
};

/** An expected provider outcome that is not a payment event. `status` is the HTTP status we suggest answering. */
export class PaymentProviderError extends Error {
  readonly status: number;
  constructor(
    readonly code: PaymentProviderErrorCode,
    message: string,
    readonly details: {
      provider: 'stripe' | 'paypal';
      /** The provider's own code (Stripe error code, PayPal issue), when it gave one. */
      providerCode?: string;
      /** False when the same call may succeed later. */
      permanent: boolean;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PaymentProviderError';
    this.status = SUGGESTED_STATUS[code];
  }
  get permanent(): boolean {
    return this.details.permanent;
  }
  get providerCode(): string | undefined {
    return this.details.providerCode;
  }
}
