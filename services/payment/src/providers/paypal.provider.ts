/**
 * PayPal behind the provider interface, through the official `@paypal/paypal-server-sdk` (Orders v2): one PayPal
 * order per payment (PayPal-Request-Id = payment id, so starting again returns the same order; purchase unit
 * reference_id/custom_id = payment id, invoice_id = order id, so webhooks map back), the shopper approves on
 * PayPal, then `capture` captures it and returns the command to record. `refund` refunds the order's capture
 * (Payments v2; PayPal-Request-Id = the refund decision's idempotency key, custom_id/invoice_id as on the order so
 * its webhook maps back). Webhooks are verified by PayPal itself (POST /v1/notifications/verify-webhook-signature),
 * as PayPal recommends.
 *
 * The SDK only knows PayPal's two hosts (Environment.Sandbox / Production). To run against `config.apiBase` (the
 * local sandbox of the stack, or any PayPal-compatible endpoint) every request the SDK builds, the OAuth token
 * request included, is re-pointed at that base through the SDK's request interceptors; with PayPal's own hosts
 * as the base nothing is rewritten.
 *
 * Event mapping (webhooks; everything else is ignored, and so are events without our custom_id):
 *   PAYMENT.CAPTURE.COMPLETED → captured     PAYMENT.CAPTURE.PENDING → authorized
 *   PAYMENT.CAPTURE.DENIED / .DECLINED → failed (paypal_capture_denied / paypal_capture_declined)
 *   PAYMENT.CAPTURE.REFUNDED → refunded (the refund must carry custom_id/invoice_id, as ours do)
 * A capture event is deduplicated by its webhook event id; a refund by its refund id (`paypal-refund:<id>`), which
 * is also what `refund` records from PayPal's answer, so a refund reported both ways is recorded once.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiError,
  CaptureStatus,
  CheckoutPaymentIntent,
  Client,
  ClientCredentialsAuthManager,
  Environment,
  type OAuthToken,
  type Order,
  OrderStatus,
  OrdersController,
  PaymentsController,
  PaypalExperienceUserAction,
  type Refund,
  RefundStatus,
} from '@paypal/paypal-server-sdk';
import type { Config } from '@streamshop/config';
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import type { Logger } from 'pino';
import { fromPayPalMoney, toPayPalMoney } from './paypal-money.ts';
import {
  PaymentProviderError,
  type PaymentProviderErrorCode,
  type PayPalProvider,
  type PayPalWebhookEvent,
  providerEventCommand,
  type RecordProviderEventValue,
  type RefundRequest,
  WebhookVerificationError,
} from './provider.ts';

const PAYPAL_HOSTS = { sandbox: 'https://api-m.sandbox.paypal.com', live: 'https://api-m.paypal.com' } as const;
const TOKEN_PATH = '/v1/oauth2/token';
const RETRIES = 2;
/** PayPal's limit for note_to_payer; a longer reason is cut rather than have the refund refused. */
const NOTE_TO_PAYER_MAX = 255;

type ControllerClient = ConstructorParameters<typeof OrdersController>[0];

/**
 * The SDK's controllers' client, with every request sent to `apiBase` instead of the environment's host, and:
 * - authenticated with our token: the SDK keeps its own copy of a token until it expires, so after the server
 *   forgot it (a restarted sandbox, a revoked token) it would fail every call for hours; we fetch a fresh token
 *   and send the request once more when it is answered 401;
 * - retried on a network failure, 429 or 5xx, twice with back-off. Every call we make is safe to repeat (GETs,
 *   a token request, and POSTs carrying PayPal-Request-Id). The SDK's own retries cannot do this here: they see
 *   its error interceptor's exceptions and would retry refusals (422) too.
 */
function rebased(
  client: Client,
  from: string,
  apiBase: string,
  accessToken: (fresh: boolean) => Promise<OAuthToken>,
): ControllerClient {
  const factory = client.getRequestBuilderFactory();
  const rebasedFactory: typeof factory = (...args) => {
    const rb = factory(...args);
    rb.intercept(async (request, options, next) => {
      const url = request.url.startsWith(from) ? apiBase + request.url.slice(from.length) : request.url;
      const tokenRequest = new URL(url).pathname === TOKEN_PATH; // authenticated by the client credentials
      const send = async (fresh: boolean) => {
        if (tokenRequest) return next({ ...request, url }, options);
        const headers = Object.fromEntries(
          Object.entries(request.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'),
        );
        headers.Authorization = `Bearer ${(await accessToken(fresh)).accessToken}`;
        return next({ ...request, url, headers }, options);
      };
      for (let attempt = 0; ; attempt++) {
        const last = attempt === RETRIES;
        let context: Awaited<ReturnType<typeof send>>;
        try {
          context = await send(false);
          if (context.response.statusCode === 401 && !tokenRequest) context = await send(true);
        } catch (err) {
          // A PaymentProviderError is the token request's own outcome, already retried.
          if (last || err instanceof PaymentProviderError) throw err;
          await sleep(200 * 2 ** attempt);
          continue;
        }
        const status = context.response.statusCode;
        if (last || (status !== 429 && status < 500)) return context;
        await sleep(200 * 2 ** attempt);
      }
    });
    return rb;
  };
  return { getRequestBuilderFactory: () => rebasedFactory };
}

/** The PayPal issue code of an API error (details[0].issue), e.g. ORDER_NOT_APPROVED. */
function issueOf(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const result = err.result as { details?: { issue?: string }[]; name?: string; error?: string } | undefined;
  return result?.details?.[0]?.issue ?? result?.name ?? result?.error;
}

function providerError(err: unknown, what: string): PaymentProviderError {
  if (err instanceof PaymentProviderError) return err;
  const issue = issueOf(err);
  const status = err instanceof ApiError ? err.statusCode : undefined;
  const code: PaymentProviderErrorCode =
    issue === 'ORDER_NOT_APPROVED'
      ? 'order_not_approved'
      : issue === 'INSTRUMENT_DECLINED'
        ? 'instrument_declined'
        : status === 404
          ? 'provider_order_not_found'
          : status === 401 || status === 403
            ? 'provider_auth_failed'
            : status !== undefined && status >= 400 && status < 500 && status !== 429
              ? 'provider_request_refused'
              : 'provider_unavailable';
  return new PaymentProviderError(code, `PayPal: ${what}: ${issue ?? (err as Error).message ?? String(err)}`, {
    provider: 'paypal',
    ...(issue ? { providerCode: issue } : {}),
    permanent: code !== 'provider_unavailable',
    cause: err,
  });
}

type PaymentIds = { paymentId: string; orderId: string; paypalOrderId: string };

/** The command for the capture found on a PayPal order (after captureOrder, or a show of a captured order). Pure. */
export function paypalCaptureToCommand(order: Order, ids: PaymentIds, now: number): RecordProviderEventValue {
  const capture = order.purchaseUnits?.flatMap((u) => u.payments?.captures ?? [])[0];
  if (!capture?.id || !capture.status) {
    throw new PaymentProviderError(
      'provider_response_invalid',
      `PayPal order ${ids.paypalOrderId} is ${order.status ?? 'in no status'} with no capture`,
      { provider: 'paypal', permanent: false },
    );
  }
  const status = capture.status;
  const kind: RecordProviderEventValue['kind'] =
    status === CaptureStatus.Pending
      ? 'authorized'
      : status === CaptureStatus.Declined || status === CaptureStatus.Failed
        ? 'failed'
        : 'captured'; // COMPLETED, or PARTIALLY_REFUNDED / REFUNDED: it was captured before being refunded
  // One provider event per capture *status*: a capture seen PENDING and later COMPLETED records both.
  const providerEventId = `paypal-capture:${capture.id}:${status}`;
  return providerEventCommand(ids, deterministicId('paypal-capture', capture.id, status), now, {
    providerEventId,
    kind,
    providerReference: ids.paypalOrderId,
    amount: kind === 'failed' || !capture.amount ? null : fromPayPalMoney(capture.amount),
    failureReason: kind === 'failed' ? `paypal_capture_${status.toLowerCase()}` : null,
  });
}

/** The provider event of a PayPal refund, whether PayPal's answer or its PAYMENT.CAPTURE.REFUNDED webhook reports it. */
function refundEvent(refundId: string) {
  return { providerEventId: `paypal-refund:${refundId}`, commandId: deterministicId('paypal-refund', refundId) };
}

/**
 * The command for PayPal's answer to a refund request: `refunded` once the refund is COMPLETED, null while it is
 * PENDING (PAYMENT.CAPTURE.REFUNDED records it when it completes). A FAILED or CANCELLED refund is a permanent
 * refusal: PayPal answers the same PayPal-Request-Id with the same refund. Pure.
 */
export function paypalRefundToCommand(refund: Refund, r: RefundRequest, now: number): RecordProviderEventValue | null {
  if (!refund.id || !refund.status) {
    throw new PaymentProviderError(
      'provider_response_invalid',
      `PayPal answered the refund of order ${r.providerReference} without ${refund.id ? 'a status' : 'an id'}`,
      { provider: 'paypal', permanent: false },
    );
  }
  if (refund.status === RefundStatus.Pending) return null;
  if (refund.status !== RefundStatus.Completed) {
    throw new PaymentProviderError(
      'provider_request_refused',
      `PayPal refund ${refund.id} of order ${r.providerReference} is ${refund.status}` +
        (refund.statusDetails?.reason ? ` (${refund.statusDetails.reason})` : ''),
      { provider: 'paypal', providerCode: `REFUND_${refund.status}`, permanent: true },
    );
  }
  const { providerEventId, commandId } = refundEvent(refund.id);
  return providerEventCommand(r, commandId, now, {
    providerEventId,
    kind: 'refunded',
    providerReference: r.providerReference,
    amount: refund.amount ? fromPayPalMoney(refund.amount) : r.amount, // a minimal answer has no amount
    failureReason: null,
  });
}

const WEBHOOK_KINDS: Record<string, { kind: RecordProviderEventValue['kind']; failureReason?: string }> = {
  'PAYMENT.CAPTURE.COMPLETED': { kind: 'captured' },
  'PAYMENT.CAPTURE.PENDING': { kind: 'authorized' },
  'PAYMENT.CAPTURE.DENIED': { kind: 'failed', failureReason: 'paypal_capture_denied' },
  'PAYMENT.CAPTURE.DECLINED': { kind: 'failed', failureReason: 'paypal_capture_declined' },
  'PAYMENT.CAPTURE.REFUNDED': { kind: 'refunded' },
};

/** The RecordProviderEvent for a verified PayPal webhook event, or null when it is not one we record. Pure. */
export function paypalEventToCommand(event: PayPalWebhookEvent, now: number): RecordProviderEventValue | null {
  const mapped = WEBHOOK_KINDS[event.event_type];
  const resource = event.resource;
  const paymentId = resource?.custom_id;
  if (!mapped || !paymentId) return null;
  const up = resource.links?.find((l) => l.rel === 'up')?.href;
  const payment = { paymentId, orderId: resource.invoice_id || paymentId };
  // A refund is the same provider event (and command) as the one `refund` returned from PayPal's answer.
  const { providerEventId, commandId } =
    mapped.kind === 'refunded' && resource.id
      ? refundEvent(resource.id)
      : { providerEventId: event.id, commandId: deterministicId('paypal-webhook', event.id) };
  return providerEventCommand(payment, commandId, now, {
    providerEventId,
    kind: mapped.kind,
    // The PayPal order when PayPal says which (captures do); a refund names its capture in its "up" link.
    providerReference:
      resource.supplementary_data?.related_ids?.order_id ??
      (up ? up.slice(up.lastIndexOf('/') + 1) : resource.id) ??
      '',
    amount: mapped.kind !== 'failed' && resource.amount ? fromPayPalMoney(resource.amount) : null,
    failureReason: mapped.failureReason ?? null,
  });
}

const TRANSMISSION_HEADERS = {
  auth_algo: 'paypal-auth-algo',
  cert_url: 'paypal-cert-url',
  transmission_id: 'paypal-transmission-id',
  transmission_sig: 'paypal-transmission-sig',
  transmission_time: 'paypal-transmission-time',
} as const;

export interface PayPalProviderOptions {
  logger?: Logger | undefined;
}

export function createPayPalProvider(config: Config['paypal'], options: PayPalProviderOptions = {}): PayPalProvider {
  const log = options.logger?.child({ provider: 'paypal' });
  const apiBase = config.apiBase.replace(/\/+$/, '');
  const live = apiBase === PAYPAL_HOSTS.live;
  let token: OAuthToken | undefined;
  let fetching: Promise<OAuthToken> | undefined;

  const client = new Client({
    environment: live ? Environment.Production : Environment.Sandbox,
    timeout: 20_000,
    clientCredentialsAuthCredentials: {
      oAuthClientId: config.clientId,
      oAuthClientSecret: config.clientSecret,
      // The SDK asks for a token before each call; the interceptor of `rebased` then sets the one to send.
      oAuthTokenProvider: () => accessToken(false),
    },
  });
  const api = rebased(client, live ? PAYPAL_HOSTS.live : PAYPAL_HOSTS.sandbox, apiBase, accessToken);
  const tokens = new ClientCredentialsAuthManager(
    { oAuthClientId: config.clientId, oAuthClientSecret: config.clientSecret },
    api,
  );
  const orders = new OrdersController(api);
  const payments = new PaymentsController(api);

  /** One cached token for the SDK's calls and ours (verify-webhook-signature has no controller in the SDK). */
  function accessToken(fresh: boolean): Promise<OAuthToken> {
    if (fresh && !fetching) token = undefined;
    if (token && tokens.isValid(token) && !tokens.isExpired(token)) return Promise.resolve(token);
    fetching ??= tokens
      .updateToken(token)
      .then((t) => {
        token = t;
        return t;
      })
      .catch((err: unknown) => {
        throw providerError(err, 'requesting an access token');
      })
      .finally(() => {
        fetching = undefined;
      });
    return fetching;
  }

  async function showOrder(paypalOrderId: string): Promise<Order> {
    try {
      return (await orders.getOrder({ id: paypalOrderId })).result;
    } catch (err) {
      throw providerError(err, `showing order ${paypalOrderId}`);
    }
  }

  return {
    async startCheckout(p) {
      const experienceContext = {
        userAction: PaypalExperienceUserAction.PayNow,
        ...(p.returnUrl ? { returnUrl: p.returnUrl } : {}),
        ...(p.cancelUrl ? { cancelUrl: p.cancelUrl } : {}),
      };
      let order: Order;
      try {
        const res = await orders.createOrder({
          body: {
            intent: CheckoutPaymentIntent.Capture,
            purchaseUnits: [
              {
                referenceId: p.paymentId,
                customId: p.paymentId,
                invoiceId: p.orderId,
                amount: toPayPalMoney(p.amount),
              },
            ],
            paymentSource: { paypal: { experienceContext } },
          },
          paypalRequestId: p.paymentId,
          prefer: 'return=minimal',
        });
        order = res.result;
      } catch (err) {
        throw providerError(err, `creating the order of payment ${p.paymentId}`);
      }
      const approve = order.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve');
      if (!order.id || !approve) {
        throw new PaymentProviderError(
          'provider_response_invalid',
          `PayPal order ${order.id ?? '?'} (${order.status ?? '?'}) came without an approval link`,
          { provider: 'paypal', permanent: false },
        );
      }
      log?.info({ paymentId: p.paymentId, orderId: p.orderId, paypalOrder: order.id }, 'PayPal order ready');
      return { provider: 'paypal', approvalUrl: approve.href, paypalOrderId: order.id };
    },

    async capture(p, now) {
      const ids = { paymentId: p.paymentId, orderId: p.orderId, paypalOrderId: p.paypalOrderId };
      const order = await showOrder(p.paypalOrderId);
      // Capture only what this payment created: an order id from the shopper's return URL is not to be trusted.
      const owner = order.purchaseUnits?.[0]?.customId;
      if (owner !== p.paymentId) {
        throw new PaymentProviderError(
          'provider_order_mismatch',
          `PayPal order ${p.paypalOrderId} is not the order of payment ${p.paymentId}`,
          { provider: 'paypal', permanent: true },
        );
      }
      if (order.status === OrderStatus.Completed) return paypalCaptureToCommand(order, ids, now);
      let captured: Order;
      try {
        captured = (
          await orders.captureOrder({
            id: p.paypalOrderId,
            paypalRequestId: `capture-${p.paypalOrderId}`,
            prefer: 'return=representation',
          })
        ).result;
      } catch (err) {
        if (issueOf(err) !== 'ORDER_ALREADY_CAPTURED') throw providerError(err, `capturing order ${p.paypalOrderId}`);
        captured = await showOrder(p.paypalOrderId); // captured meanwhile (another request): same outcome
      }
      const command = paypalCaptureToCommand(captured, ids, now);
      log?.info({ paymentId: p.paymentId, paypalOrder: p.paypalOrderId, kind: command.kind }, 'PayPal order captured');
      return command;
    },

    async refund(r, now) {
      const ids = { paymentId: r.paymentId, orderId: r.orderId, paypalOrder: r.providerReference };
      const order = await showOrder(r.providerReference);
      const unit = order.purchaseUnits?.[0];
      // Refund only the order this payment created, as `capture` only captures it.
      if (unit?.customId !== r.paymentId) {
        throw new PaymentProviderError(
          'provider_order_mismatch',
          `PayPal order ${r.providerReference} is not the order of payment ${r.paymentId}`,
          { provider: 'paypal', permanent: true },
        );
      }
      const captureId = unit.payments?.captures?.[0]?.id;
      if (!captureId) {
        throw new PaymentProviderError(
          'provider_request_refused',
          `PayPal order ${r.providerReference} (${order.status ?? 'in no status'}) has no capture to refund`,
          { provider: 'paypal', permanent: true },
        );
      }
      let amount: ReturnType<typeof toPayPalMoney>;
      try {
        amount = toPayPalMoney(r.amount);
      } catch (err) {
        const message = `PayPal: refunding order ${r.providerReference}: ${(err as Error).message}`;
        throw new PaymentProviderError('provider_request_refused', message, {
          provider: 'paypal',
          permanent: true,
          cause: err,
        });
      }
      let refund: Refund;
      try {
        refund = (
          await payments.refundCapturedPayment({
            captureId,
            // PayPal answers a repeated PayPal-Request-Id with the refund it made (it keeps them for 45 days).
            paypalRequestId: r.idempotencyKey,
            prefer: 'return=representation',
            body: {
              amount,
              invoiceId: r.orderId,
              customId: r.paymentId,
              ...(r.reason ? { noteToPayer: r.reason.slice(0, NOTE_TO_PAYER_MAX) } : {}),
            },
          })
        ).result;
      } catch (err) {
        throw providerError(err, `refunding capture ${captureId} of order ${r.providerReference}`);
      }
      log?.info({ ...ids, capture: captureId, refund: refund.id, status: refund.status }, 'PayPal refund asked');
      return paypalRefundToCommand(refund, r, now);
    },

    async verifyWebhook(headers, rawBody) {
      const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]));
      const transmission: Record<string, string> = {};
      for (const [field, header] of Object.entries(TRANSMISSION_HEADERS)) {
        const value = lower.get(header);
        if (!value) throw new WebhookVerificationError('paypal', `the ${header.toUpperCase()} header is missing`);
        transmission[field] = value;
      }
      const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
      let event: PayPalWebhookEvent;
      try {
        event = JSON.parse(text) as PayPalWebhookEvent;
      } catch (err) {
        throw new WebhookVerificationError('paypal', 'the webhook body is not JSON', { cause: err });
      }
      // The event goes back byte for byte as it came (PayPal signs the bytes it sent; a re-serialised event may
      // differ from them), spliced into the request as raw JSON.
      const fields = JSON.stringify({ ...transmission, webhook_id: config.webhookId });
      const body = `${fields.slice(0, -1)},"webhook_event":${text.trim()}}`;
      const verify = async (fresh: boolean) =>
        fetch(`${apiBase}/v1/notifications/verify-webhook-signature`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${(await accessToken(fresh)).accessToken}`,
            'content-type': 'application/json',
          },
          body,
          signal: AbortSignal.timeout(20_000),
        });
      let res: Response;
      try {
        // Once more on a network failure (the request has no effect at PayPal, so repeating it is safe).
        res = await verify(false).catch(() => verify(false));
        if (res.status === 401) res = await verify(true);
      } catch (err) {
        throw providerError(err, 'verifying a webhook signature');
      }
      const answer = (await res.json().catch(() => ({}))) as { verification_status?: string; name?: string };
      if (!res.ok) {
        const code = res.status >= 500 || res.status === 429 ? 'provider_unavailable' : 'provider_request_refused';
        throw new PaymentProviderError(code, `PayPal: verify-webhook-signature answered ${res.status}`, {
          provider: 'paypal',
          ...(answer.name ? { providerCode: answer.name } : {}),
          permanent: code !== 'provider_unavailable',
        });
      }
      if (answer.verification_status !== 'SUCCESS') {
        throw new WebhookVerificationError(
          'paypal',
          `PayPal webhook ${event.id ?? '?'} not verified: ${answer.verification_status ?? 'no verification status'}`,
        );
      }
      return event;
    },

    toCommand: paypalEventToCommand,
  };
}
