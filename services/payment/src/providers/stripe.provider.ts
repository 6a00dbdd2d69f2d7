/**
 * Stripe behind the provider interface: one PaymentIntent per payment (idempotency key = payment id, metadata
 * {paymentId, orderId}, so every webhook maps back to its payment and order), refunds of a PaymentIntent (metadata
 * {paymentId, orderId, refundRequest}, so each refund decision refunds once), webhooks verified with the endpoint's
 * signing secret, and — in test mode — the signed `payment_intent.succeeded` webhook the Stripe CLI would send,
 * for local checkouts against stripe-mock (which keeps no state and sends no webhooks).
 *
 * Event mapping (everything else is ignored):
 *   payment_intent.succeeded                 → captured (amount received)
 *   payment_intent.amount_capturable_updated → authorized (amount capturable; manual capture)
 *   payment_intent.payment_failed            → failed (decline code, else error code)
 *   payment_intent.canceled                  → failed (payment_canceled)
 *   refund.created / refund.updated          → refunded, once the refund succeeded; deduplicated by refund id (not
 *                                              event id) since both events report the same refund. Refunds carry
 *                                              our ids only if created with metadata {paymentId, orderId}.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '@streamshop/config';
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import type { Money } from '@streamshop/schemas/types';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import {
  PaymentProviderError,
  type ProviderReport,
  providerEventCommand,
  type RecordProviderEventValue,
  type StartCheckout,
  type StripeProvider,
  WebhookVerificationError,
} from './provider.ts';

export function stripeClient({ apiBase, secretKey }: Pick<Config['stripe'], 'apiBase' | 'secretKey'>): Stripe {
  const base = new URL(apiBase);
  return new Stripe(secretKey, {
    host: base.hostname,
    ...(base.port ? { port: Number(base.port) } : {}),
    protocol: base.protocol === 'http:' ? 'http' : 'https',
    maxNetworkRetries: 2,
    timeout: 20_000,
  });
}

export function isLiveKey(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}

/** Stripe errors as our provider errors: 4xx other than 429 are permanent, the rest worth retrying. */
function providerError(err: unknown, what: string): PaymentProviderError {
  if (err instanceof PaymentProviderError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string };
  const status = e.statusCode;
  const permanent = status !== undefined && status >= 400 && status < 500 && status !== 429;
  const code =
    status === 401 ? 'provider_auth_failed' : permanent ? 'provider_request_refused' : 'provider_unavailable';
  return new PaymentProviderError(code, `Stripe: ${what}: ${e.message ?? String(err)}`, {
    provider: 'stripe',
    ...(e.code ? { providerCode: e.code } : {}),
    permanent: permanent || status === 401,
    cause: err,
  });
}

function metadataIds(metadata: Stripe.Metadata | null | undefined): { paymentId: string; orderId: string } | null {
  const paymentId = metadata?.paymentId;
  if (!paymentId) return null;
  return { paymentId, orderId: metadata.orderId || paymentId };
}

const money = (amount: number, currency: string): Money => ({ amount, currency: currency.toUpperCase() });

/** The RecordProviderEvent for a verified Stripe event, or null when the event is not one we record. Pure. */
export function stripeEventToCommand(event: Stripe.Event, now: number): RecordProviderEventValue | null {
  const record = (
    ids: { paymentId: string; orderId: string } | null,
    report: Omit<ProviderReport, 'providerEventId'> & { providerEventId?: string },
  ): RecordProviderEventValue | null => {
    if (!ids) return null; // not one of our payments (no metadata): nothing to record
    const providerEventId = report.providerEventId ?? event.id;
    return providerEventCommand(ids, deterministicId('stripe-webhook', providerEventId), now, {
      ...report,
      providerEventId,
    });
  };
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const pi = event.data.object;
      return record(metadataIds(pi.metadata), {
        kind: 'captured',
        providerReference: pi.id,
        amount: money(pi.amount_received || pi.amount, pi.currency),
        failureReason: null,
      });
    }
    case 'payment_intent.amount_capturable_updated': {
      const pi = event.data.object;
      return record(metadataIds(pi.metadata), {
        kind: 'authorized',
        providerReference: pi.id,
        amount: money(pi.amount_capturable || pi.amount, pi.currency),
        failureReason: null,
      });
    }
    case 'payment_intent.payment_failed': {
      const pi = event.data.object;
      const error = pi.last_payment_error;
      return record(metadataIds(pi.metadata), {
        kind: 'failed',
        providerReference: pi.id,
        amount: null,
        failureReason: error?.decline_code ?? error?.code ?? 'payment_failed',
      });
    }
    case 'payment_intent.canceled': {
      const pi = event.data.object;
      return record(metadataIds(pi.metadata), {
        kind: 'failed',
        providerReference: pi.id,
        amount: null,
        failureReason: 'payment_canceled',
      });
    }
    case 'refund.created':
    case 'refund.updated': {
      const refund = event.data.object;
      if (refund.status !== 'succeeded') return null;
      const intent = typeof refund.payment_intent === 'string' ? refund.payment_intent : refund.payment_intent?.id;
      return record(metadataIds(refund.metadata), {
        providerEventId: refund.id,
        kind: 'refunded',
        providerReference: intent ?? refund.id,
        amount: money(refund.amount, refund.currency),
        failureReason: null,
      });
    }
    default:
      return null;
  }
}

/** Stripe-style object ids: a prefix and 24 base62 characters. */
function stripeId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `${prefix}_${Array.from(randomBytes(24), (b) => alphabet[b % alphabet.length]).join('')}`;
}

export interface StripeProviderOptions {
  logger?: Logger | undefined;
  /** A client to use instead of one built from the config (tests). */
  stripe?: Stripe;
}

export function createStripeProvider(
  config: Pick<Config['stripe'], 'apiBase' | 'secretKey' | 'webhookSecret'>,
  options: StripeProviderOptions = {},
): StripeProvider {
  const stripe = options.stripe ?? stripeClient(config);
  const log = options.logger?.child({ provider: 'stripe' });
  const testMode = !isLiveKey(config.secretKey);

  /** The one PaymentIntent of a payment: the same parameters under the same key, so Stripe returns it again. */
  async function paymentIntent(p: Pick<StartCheckout, 'paymentId' | 'orderId' | 'amount'>) {
    try {
      return await stripe.paymentIntents.create(
        {
          amount: p.amount.amount,
          currency: p.amount.currency.toLowerCase(),
          metadata: { paymentId: p.paymentId, orderId: p.orderId },
        },
        { idempotencyKey: p.paymentId },
      );
    } catch (err) {
      throw providerError(err, `creating the PaymentIntent of payment ${p.paymentId}`);
    }
  }

  return {
    testMode,

    async startCheckout(p) {
      const intent = await paymentIntent(p);
      if (!intent.client_secret) {
        throw new PaymentProviderError('provider_response_invalid', `PaymentIntent ${intent.id} has no client secret`, {
          provider: 'stripe',
          permanent: false,
        });
      }
      log?.info({ paymentId: p.paymentId, orderId: p.orderId, paymentIntent: intent.id }, 'PaymentIntent ready');
      return { provider: 'stripe', clientSecret: intent.client_secret, paymentIntentId: intent.id, testMode };
    },

    verifyWebhook(rawBody, signatureHeader) {
      if (!signatureHeader) throw new WebhookVerificationError('stripe', 'the Stripe-Signature header is missing');
      try {
        return stripe.webhooks.constructEvent(rawBody, signatureHeader, config.webhookSecret);
      } catch (err) {
        throw new WebhookVerificationError('stripe', `Stripe webhook not verified: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },

    toCommand: stripeEventToCommand,

    async refund(r, now) {
      const ids = { paymentId: r.paymentId, orderId: r.orderId };
      let refund: Stripe.Refund;
      try {
        // Stripe keeps idempotency keys for 24 hours; a refund request seen again later (a consumer group reset)
        // must still not refund twice, so look for the refund this request already made first.
        const earlier = await stripe.refunds.list({ payment_intent: r.providerReference, limit: 100 });
        const made = earlier.data.find((x) => x.metadata?.refundRequest === r.idempotencyKey);
        refund =
          made ??
          (await stripe.refunds.create(
            {
              payment_intent: r.providerReference,
              amount: r.amount.amount,
              metadata: { ...ids, refundRequest: r.idempotencyKey, ...(r.reason ? { reason: r.reason } : {}) },
            },
            { idempotencyKey: r.idempotencyKey },
          ));
      } catch (err) {
        throw providerError(err, `refunding payment ${r.paymentId} (PaymentIntent ${r.providerReference})`);
      }
      log?.info(
        { ...ids, paymentIntent: r.providerReference, refund: refund.id, status: refund.status },
        'refund asked',
      );
      if (refund.status !== 'succeeded') return null; // pending: its refund.updated webhook records it
      // The refund webhooks map to the same providerEventId (the refund id) and command id: recorded once.
      return providerEventCommand(ids, deterministicId('stripe-webhook', refund.id), now, {
        providerEventId: refund.id,
        kind: 'refunded',
        providerReference: r.providerReference,
        amount: r.amount,
        failureReason: null,
      });
    },

    async simulateSucceeded(p) {
      if (!testMode) {
        throw new PaymentProviderError('live_mode', 'simulating a Stripe payment is refused with a live key', {
          provider: 'stripe',
          permanent: true,
        });
      }
      const intent = await paymentIntent(p);
      const created = Math.floor(Date.now() / 1000);
      // What Stripe sends: the event envelope around the intent as it is once paid (stripe-mock answers with a
      // fixture, so the fields that make this payment's intent are set from what we asked).
      const event = {
        id: stripeId('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created,
        data: {
          object: {
            ...intent,
            // stripe-mock keeps no state: each create answers a new id, so the caller names the one it recorded.
            id: p.paymentIntentId ?? intent.id,
            amount: p.amount.amount,
            amount_capturable: 0,
            amount_received: p.amount.amount,
            currency: p.amount.currency.toLowerCase(),
            metadata: { ...intent.metadata, paymentId: p.paymentId, orderId: p.orderId },
            status: 'succeeded',
            canceled_at: null,
            cancellation_reason: null,
            last_payment_error: null,
            next_action: null,
            livemode: false,
          },
        },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'payment_intent.succeeded',
      };
      const payload = JSON.stringify(event, null, 2);
      const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: config.webhookSecret });
      let res: Response;
      try {
        res = await fetch(p.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': signature,
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          },
          body: payload,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new PaymentProviderError(
          'webhook_not_accepted',
          `POST ${p.webhookUrl} failed: ${(err as Error).message}`,
          {
            provider: 'stripe',
            permanent: false,
            cause: err,
          },
        );
      }
      const answer = await res.text();
      if (!res.ok) {
        throw new PaymentProviderError(
          'webhook_not_accepted',
          `POST ${p.webhookUrl} answered ${res.status}: ${answer.slice(0, 300)}`,
          { provider: 'stripe', permanent: res.status < 500 },
        );
      }
      log?.info(
        { paymentId: p.paymentId, event: event.id, paymentIntent: intent.id },
        'simulated payment_intent.succeeded',
      );
      return { eventId: event.id };
    },
  };
}
