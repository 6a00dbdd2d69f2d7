/**
 * A local stand-in for PayPal's REST API, implementing exactly the calls streamshop makes, in the shapes PayPal
 * documents them (Orders v2, OAuth 2 client credentials, webhook signature verification), so the real
 * `@paypal/paypal-server-sdk` runs against it unchanged and checkout works offline:
 *
 *   POST /v1/oauth2/token                           client credentials (HTTP Basic) → bearer access token
 *   POST /v2/checkout/orders                        create (intent CAPTURE), idempotent on PayPal-Request-Id
 *   GET  /v2/checkout/orders/{id}                   show
 *   POST /v2/checkout/orders/{id}/capture           capture an APPROVED order, idempotent on PayPal-Request-Id
 *   GET  /v2/payments/captures/{id}                 show a capture
 *   POST /v2/payments/captures/{id}/refund          refund all that is left or an amount, idempotent on
 *                                                   PayPal-Request-Id; refunds complete at once
 *   GET  /v2/payments/refunds/{id}                  show a refund
 *   POST /v1/notifications/verify-webhook-signature SUCCESS only for transmissions this sandbox signed
 *   GET  /checkoutnow?token={id}                    the shopper's approval page (the order's approve link)
 *
 * and, for the stack and tests (not PayPal APIs): `POST /sandbox/orders/{id}/approve` (approve without a browser,
 * `{"decline": true}` to make the capture come back DECLINED, `{"capture_amount": "0.01"}` to have it capture another
 * amount than the order's, as a forged or faulty payment would), `GET /sandbox/webhooks` (deliveries so far) and
 * `GET /sandbox/health`. After each capture it POSTs the PAYMENT.CAPTURE.COMPLETED (or .DECLINED) webhook, and after
 * each refund PAYMENT.CAPTURE.REFUNDED (the refund, naming its capture in its "up" link), with PayPal's transmission
 * headers, to `webhookUrl` when one is set, retrying failed deliveries as PayPal does.
 *
 * State lives in memory: it is a sandbox, and a restart is a fresh PayPal account.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTH_ALGO, transmissionSigner } from './transmission-signature.ts';

export const PAYPAL_SANDBOX_VERSION = '1.0.0';

export interface PayPalSandboxOptions {
  clientId: string;
  clientSecret: string;
  /** The webhook id transmissions are signed for (what the merchant passes to verify-webhook-signature). */
  webhookId: string;
  /** Where webhooks are POSTed after a capture or a refund; none are sent when undefined. */
  webhookUrl?: string | undefined;
  /** Delivery attempts per webhook (PayPal retries for days; the sandbox a few times, quickly). */
  webhookAttempts?: number;
  log?: (line: string) => void;
}

export interface WebhookDelivery {
  event: PayPalWebhookEventBody;
  url: string;
  headers: Record<string, string>;
  attempts: number;
  /** 'pending' while attempts remain; the receiver's status once it answered 2xx. */
  state: 'pending' | 'delivered' | 'failed';
  status?: number;
  lastError?: string;
}

export interface PayPalSandbox {
  /** Listens (port 0 = any free port) and resolves to the base URL, e.g. http://127.0.0.1:18090. */
  listen(port?: number, host?: string): Promise<string>;
  readonly url: string;
  /** Every webhook sent so far, in order. */
  readonly deliveries: readonly WebhookDelivery[];
  close(): Promise<void>;
}

interface Money {
  currency_code: string;
  value: string;
}

interface Link {
  href: string;
  rel: string;
  method: string;
}

interface Capture {
  id: string;
  status: 'COMPLETED' | 'DECLINED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
  amount: Money;
  final_capture: boolean;
  seller_protection: { status: string; dispute_categories: string[] };
  custom_id?: string;
  invoice_id?: string;
  processor_response?: { response_code: string };
  create_time: string;
  update_time: string;
  links: Link[];
}

interface Refund {
  id: string;
  status: 'COMPLETED';
  amount: Money;
  invoice_id?: string;
  custom_id?: string;
  note_to_payer?: string;
  seller_payable_breakdown: {
    gross_amount: Money;
    paypal_fee: Money;
    net_amount: Money;
    total_refunded_amount: Money;
  };
  create_time: string;
  update_time: string;
  links: Link[];
}

interface PurchaseUnit {
  reference_id: string;
  amount: Money;
  custom_id?: string;
  invoice_id?: string;
  description?: string;
  payments?: { captures: Capture[]; refunds?: Refund[] };
}

interface Payer {
  name: { given_name: string; surname: string };
  email_address: string;
  payer_id: string;
}

interface Order {
  id: string;
  intent: 'CAPTURE';
  status: 'CREATED' | 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED';
  purchase_units: PurchaseUnit[];
  /** Where the approval page sends the shopper (experience_context, or the older application_context). */
  returnUrl?: string;
  cancelUrl?: string;
  /** Whether the order was created with payment_source.paypal (then PayPal answers PAYER_ACTION_REQUIRED). */
  paypalSource: boolean;
  payer?: Payer;
  /** Set by a test approval: the capture is declined by the (pretend) funding source. */
  decline: boolean;
  /** Set by a test approval: the capture takes this amount (a PayPal value) instead of the order's. */
  captureAmount?: string;
  create_time: string;
  update_time: string;
}

export type PayPalWebhookEventBody = {
  id: string;
  event_version: string;
  create_time: string;
  resource_type: string;
  resource_version: string;
  event_type: string;
  summary: string;
  resource: Record<string, unknown>;
  links: Link[];
};

class PayPalError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.error_description ?? body.name));
  }
}

const ISSUE_TEXT: Record<string, string> = {
  ORDER_NOT_APPROVED:
    "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
  ORDER_ALREADY_CAPTURED: 'Order already captured.If intent=CAPTURE only one capture per order is allowed.',
  INVALID_RESOURCE_ID: 'Specified resource ID does not exist. Please check the resource ID and try again.',
  CAPTURE_FULLY_REFUNDED: 'The capture has already been fully refunded',
  REFUND_AMOUNT_EXCEEDED:
    'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
  REFUND_CAPTURE_CURRENCY_MISMATCH: 'Refund must be in the same currency as the capture',
  REFUND_NOT_ALLOWED: 'Capture cannot be refunded.',
  CANNOT_BE_ZERO_OR_NEGATIVE: 'Must be greater than zero.',
  DECIMAL_PRECISION: 'If the currency supports decimals, only two decimal place precision is supported.',
  DECIMALS_NOT_SUPPORTED: 'Currency does not support decimals.',
};

/** PayPal's error body: name, message, details[{issue, description, field?, location?}], debug_id, information_link. */
function apiError(
  status: number,
  name: string,
  message: string,
  details: { issue: string; description?: string; field?: string; value?: string; location?: string }[],
  api: 'orders' | 'payments' = 'orders',
): PayPalError {
  return new PayPalError(status, {
    name,
    message,
    details: details.map((d) => ({ ...d, description: d.description ?? ISSUE_TEXT[d.issue] ?? d.issue })),
    debug_id: randomBytes(7).toString('hex'),
    links: details.map((d) => ({
      href: `https://developer.paypal.com/api/rest/reference/${api}/v2/errors/#${d.issue}`,
      rel: 'information_link',
      method: 'GET',
    })),
  });
}

const unprocessable = (issue: string, api: 'orders' | 'payments' = 'orders', field?: string) =>
  apiError(
    422,
    'UNPROCESSABLE_ENTITY',
    'The requested action could not be performed, semantically incorrect, or failed business validation.',
    [{ issue, ...(field ? { field, location: 'body' } : {}) }],
    api,
  );
const invalidRequest = (field: string, issue: string, description: string) =>
  apiError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [
    { field, location: 'body', issue, description },
  ]);
const notFound = (id: string, field = 'order_id') =>
  apiError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [
    { field, value: id, location: 'path', issue: 'INVALID_RESOURCE_ID' },
  ]);

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** PayPal-style ids: 17 upper-case letters and digits (orders, captures). */
function paypalId(length = 17): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => ALPHANUM[b % ALPHANUM.length]).join('');
}

const MONEY_VALUE = /^\d{1,32}(\.\d{1,3})?$/;
const CURRENCY = /^[A-Z]{3}$/;

function checkMoney(amount: unknown, field: string): Money {
  const a = amount as Partial<Money> | undefined;
  if (!a || typeof a !== 'object') throw invalidRequest(field, 'MISSING_REQUIRED_PARAMETER', `${field} is required`);
  if (typeof a.currency_code !== 'string' || !CURRENCY.test(a.currency_code)) {
    throw invalidRequest(`${field}/currency_code`, 'INVALID_PARAMETER_VALUE', 'expected an ISO 4217 currency code');
  }
  if (typeof a.value !== 'string' || !MONEY_VALUE.test(a.value)) {
    throw invalidRequest(`${field}/value`, 'INVALID_PARAMETER_SYNTAX', 'expected a decimal amount such as "45.99"');
  }
  return { currency_code: a.currency_code, value: a.value };
}

/** Decimal places PayPal takes per currency: none for HUF, JPY and TWD, two for every other currency it supports. */
const paypalDigits = (currency: string) => (['HUF', 'JPY', 'TWD'].includes(currency) ? 0 : 2);

/** A decimal amount in thousandths (the finest MONEY_VALUE allows), so refunds add up without floating point. */
function thousandths(value: string): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole + fraction.padEnd(3, '0'));
}

/** Thousandths back to PayPal's decimal string, with the currency's decimals (more only if the amount has them). */
function decimalValue(amount: bigint, currency: string): string {
  const text = amount.toString().padStart(4, '0');
  const fraction = text.slice(-3).replace(/0+$/, '').padEnd(paypalDigits(currency), '0');
  return fraction ? `${text.slice(0, -3)}.${fraction}` : text.slice(0, -3);
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayPalError(413, { name: 'REQUEST_ENTITY_TOO_LARGE', message: 'Body too large' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw apiError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [
    { issue: 'MALFORMED_REQUEST_JSON', description: 'The request JSON is not well formed.' },
  ]);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'paypal-debug-id': paypalId(13), ...headers });
  res.end(text);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendHtml(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      '<meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}' +
      'button{font-size:1rem;padding:.6rem 1.4rem;margin-right:.5rem;cursor:pointer}' +
      '.pay{background:#ffc439;border:0;border-radius:4px}</style></head>' +
      `<body><p><strong>PayPal sandbox</strong> (streamshop local stack)</p>${body}</body></html>`,
  );
}

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

export function createPayPalSandbox(options: PayPalSandboxOptions): PayPalSandbox {
  const log = options.log ?? (() => {});
  const signer = transmissionSigner();
  const tokens = new Map<string, number>(); // access token → expiry (epoch ms)
  const orders = new Map<string, Order>();
  /** Every capture with its order, purchase unit and refunds (the refunds are also in the unit's payments). */
  const captures = new Map<string, { capture: Capture; order: Order; unit: PurchaseUnit; refunds: Refund[] }>();
  const refunds = new Map<string, Refund>();
  /** Answers already given for a PayPal-Request-Id, per operation: a repeat gets the same answer, as at PayPal. */
  const replays = new Map<string, unknown>();
  const deliveries: WebhookDelivery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  let closed = false;

  /** Links point where the client reached us (Host header), like PayPal's point at its own host. */
  const base = (req: IncomingMessage) => (req.headers.host ? `http://${req.headers.host}` : baseUrl);
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  function orderLinks(o: Order, b: string): Link[] {
    const self = `${b}/v2/checkout/orders/${o.id}`;
    const links: Link[] = [{ href: self, rel: 'self', method: 'GET' }];
    if (o.status === 'CREATED' || o.status === 'PAYER_ACTION_REQUIRED') {
      links.push({
        href: `${b}/checkoutnow?token=${o.id}`,
        rel: o.paypalSource ? 'payer-action' : 'approve',
        method: 'GET',
      });
    }
    if (o.status !== 'COMPLETED') {
      links.push({ href: self, rel: 'update', method: 'PATCH' });
      links.push({ href: `${self}/capture`, rel: 'capture', method: 'POST' });
    }
    return links;
  }

  function representation(o: Order, b: string): Record<string, unknown> {
    return {
      id: o.id,
      intent: o.intent,
      status: o.status,
      ...(o.payer
        ? {
            payment_source: {
              paypal: {
                email_address: o.payer.email_address,
                account_id: o.payer.payer_id,
                account_status: 'VERIFIED',
                name: o.payer.name,
              },
            },
            payer: o.payer,
          }
        : o.paypalSource
          ? { payment_source: { paypal: {} } }
          : {}),
      purchase_units: o.purchase_units,
      create_time: o.create_time,
      update_time: o.update_time,
      links: orderLinks(o, b),
    };
  }

  function minimal(o: Order, b: string): Record<string, unknown> {
    return { id: o.id, status: o.status, links: orderLinks(o, b) };
  }

  function wantsRepresentation(req: IncomingMessage): boolean {
    return /return=representation/i.test(String(req.headers.prefer ?? ''));
  }

  /** PayPal answers a refund minimally (id, status, links) unless asked for the representation. */
  function refundAnswer(r: Refund, req: IncomingMessage): Record<string, unknown> {
    return wantsRepresentation(req) ? { ...r } : { id: r.id, status: r.status, links: r.links };
  }

  function authenticate(req: IncomingMessage): void {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const expiry = m ? tokens.get(m[1]!) : undefined;
    if (expiry === undefined || expiry < Date.now()) {
      throw new PayPalError(401, {
        error: 'invalid_token',
        error_description: m ? 'Token signature verification failed' : 'No permission for the requested operation',
      });
    }
  }

  function issueToken(req: IncomingMessage, body: string): Record<string, unknown> {
    const m = /^Basic (\S+)$/.exec(req.headers.authorization ?? '');
    const [id, secret] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':', 2) : [];
    if (id !== options.clientId || secret !== options.clientSecret) {
      throw new PayPalError(401, { error: 'invalid_client', error_description: 'Client Authentication failed' });
    }
    if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') {
      throw new PayPalError(400, {
        error: 'unsupported_grant_type',
        error_description: 'Grant Type is NULL or not supported',
      });
    }
    const token = `A21AA${randomBytes(48).toString('base64url')}`;
    const expiresIn = 32_400;
    tokens.set(token, Date.now() + expiresIn * 1000);
    return {
      scope: 'https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/applications/webhooks',
      access_token: token,
      token_type: 'Bearer',
      app_id: 'APP-STREAMSHOP-SANDBOX',
      expires_in: expiresIn,
      nonce: `${now()}${randomBytes(16).toString('base64url')}`,
    };
  }

  function createOrder(body: Record<string, unknown>): Order {
    if (body.intent !== 'CAPTURE') {
      throw invalidRequest('/intent', 'INVALID_PARAMETER_VALUE', 'this sandbox implements intent CAPTURE only');
    }
    const units = body.purchase_units;
    if (!Array.isArray(units) || units.length === 0) {
      throw invalidRequest('/purchase_units', 'MISSING_REQUIRED_PARAMETER', 'purchase_units is required');
    }
    const purchaseUnits = units.map((u: Record<string, unknown>, i): PurchaseUnit => {
      const unit: PurchaseUnit = {
        reference_id: typeof u.reference_id === 'string' ? u.reference_id : 'default',
        amount: checkMoney(u.amount, `/purchase_units/${i}/amount`),
      };
      for (const k of ['custom_id', 'invoice_id', 'description'] as const) {
        if (typeof u[k] === 'string') unit[k] = u[k];
      }
      return unit;
    });
    const source = body.payment_source as { paypal?: { experience_context?: Record<string, unknown> } } | undefined;
    const context = (source?.paypal?.experience_context ?? body.application_context ?? {}) as Record<string, unknown>;
    const t = now();
    const order: Order = {
      id: paypalId(),
      intent: 'CAPTURE',
      status: source?.paypal ? 'PAYER_ACTION_REQUIRED' : 'CREATED',
      purchase_units: purchaseUnits,
      paypalSource: Boolean(source?.paypal),
      decline: false,
      create_time: t,
      update_time: t,
    };
    if (typeof context.return_url === 'string') order.returnUrl = context.return_url;
    if (typeof context.cancel_url === 'string') order.cancelUrl = context.cancel_url;
    orders.set(order.id, order);
    log(`order ${order.id} created (${purchaseUnits.map((u) => `${u.amount.value} ${u.amount.currency_code}`)})`);
    return order;
  }

  function approve(order: Order, decline: boolean, captureAmount?: string): void {
    if (order.status === 'COMPLETED') throw unprocessable('ORDER_ALREADY_CAPTURED');
    if (order.status !== 'APPROVED') {
      order.status = 'APPROVED';
      order.decline = decline;
      if (captureAmount !== undefined) order.captureAmount = captureAmount;
      order.payer = {
        name: { given_name: 'Sandbox', surname: 'Shopper' },
        email_address: 'shopper@sandbox.streamshop.test',
        payer_id: paypalId(13),
      };
      order.update_time = now();
      log(`order ${order.id} approved${decline ? ' (its capture will be declined)' : ''}`);
    }
  }

  function capture(order: Order, b: string): Capture[] {
    if (order.status === 'COMPLETED') throw unprocessable('ORDER_ALREADY_CAPTURED');
    if (order.status !== 'APPROVED') throw unprocessable('ORDER_NOT_APPROVED');
    const t = now();
    const captured = order.purchase_units.map((unit) => {
      const id = paypalId();
      const c: Capture = {
        id,
        status: order.decline ? 'DECLINED' : 'COMPLETED',
        amount: order.captureAmount ? { ...unit.amount, value: order.captureAmount } : unit.amount,
        final_capture: true,
        seller_protection: {
          status: 'ELIGIBLE',
          dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'],
        },
        ...(unit.custom_id !== undefined ? { custom_id: unit.custom_id } : {}),
        ...(unit.invoice_id !== undefined ? { invoice_id: unit.invoice_id } : {}),
        ...(order.decline ? { processor_response: { response_code: '0500' } } : {}),
        create_time: t,
        update_time: t,
        links: [
          { href: `${b}/v2/payments/captures/${id}`, rel: 'self', method: 'GET' },
          { href: `${b}/v2/payments/captures/${id}/refund`, rel: 'refund', method: 'POST' },
          { href: `${b}/v2/checkout/orders/${order.id}`, rel: 'up', method: 'GET' },
        ],
      };
      unit.payments = { captures: [c] };
      captures.set(id, { capture: c, order, unit, refunds: [] });
      return c;
    });
    order.status = 'COMPLETED';
    order.update_time = t;
    log(`order ${order.id} captured: ${captured.map((c) => `${c.id} ${c.status}`).join(', ')}`);
    return captured;
  }

  function findCapture(id: string) {
    const found = captures.get(id);
    if (!found) throw notFound(id, 'capture_id');
    return found;
  }

  /** An optional string field of a refund request, within PayPal's length limit. */
  function optionalText(body: Record<string, unknown>, field: string, max: number): string | undefined {
    const v = body[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalidRequest(`/${field}`, 'INVALID_PARAMETER_SYNTAX', `${field} is a string`);
    if (v.length > max) {
      throw invalidRequest(`/${field}`, 'INVALID_STRING_MAX_LENGTH', `${field} is at most ${max} characters`);
    }
    return v;
  }

  /**
   * Refunds the amount asked, or all that is left of the capture without one; completes at once, as PayPal
   * usually does for a PayPal-funded capture. The capture becomes PARTIALLY_REFUNDED, then REFUNDED.
   */
  function refund(captureId: string, body: Record<string, unknown>, b: string): Refund {
    const found = findCapture(captureId);
    const { capture: c } = found;
    const currency = c.amount.currency_code;
    if (c.status === 'DECLINED') throw unprocessable('REFUND_NOT_ALLOWED', 'payments');
    if (c.status === 'REFUNDED') throw unprocessable('CAPTURE_FULLY_REFUNDED', 'payments');
    const invoiceId = optionalText(body, 'invoice_id', 127);
    const customId = optionalText(body, 'custom_id', 127);
    const note = optionalText(body, 'note_to_payer', 255);
    const refunded = found.refunds.reduce((sum, r) => sum + thousandths(r.amount.value), 0n);
    const left = thousandths(c.amount.value) - refunded;
    let amount = left;
    if (body.amount !== undefined) {
      const asked = checkMoney(body.amount, '/amount');
      if (asked.currency_code !== currency) {
        throw unprocessable('REFUND_CAPTURE_CURRENCY_MISMATCH', 'payments', '/amount/currency_code');
      }
      const decimals = asked.value.split('.')[1]?.length ?? 0;
      if (decimals > paypalDigits(currency)) {
        const issue = paypalDigits(currency) === 0 ? 'DECIMALS_NOT_SUPPORTED' : 'DECIMAL_PRECISION';
        throw unprocessable(issue, 'payments', '/amount/value');
      }
      amount = thousandths(asked.value);
      if (amount === 0n) throw unprocessable('CANNOT_BE_ZERO_OR_NEGATIVE', 'payments', '/amount/value');
      if (amount > left) throw unprocessable('REFUND_AMOUNT_EXCEEDED', 'payments', '/amount/value');
    }
    const money = (v: bigint): Money => ({ currency_code: currency, value: decimalValue(v, currency) });
    const id = paypalId();
    const t = now();
    const r: Refund = {
      id,
      status: 'COMPLETED',
      amount: money(amount),
      ...(invoiceId !== undefined ? { invoice_id: invoiceId } : {}),
      ...(customId !== undefined ? { custom_id: customId } : {}),
      ...(note !== undefined ? { note_to_payer: note } : {}),
      seller_payable_breakdown: {
        gross_amount: money(amount),
        paypal_fee: money(0n),
        net_amount: money(amount),
        total_refunded_amount: money(refunded + amount),
      },
      create_time: t,
      update_time: t,
      links: [
        { href: `${b}/v2/payments/refunds/${id}`, rel: 'self', method: 'GET' },
        { href: `${b}/v2/payments/captures/${c.id}`, rel: 'up', method: 'GET' },
      ],
    };
    found.refunds.push(r);
    refunds.set(id, r);
    found.unit.payments = { captures: found.unit.payments?.captures ?? [c], refunds: found.refunds };
    c.status = amount === left ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    c.update_time = t;
    found.order.update_time = t;
    log(`capture ${c.id} refunded ${r.amount.value} ${currency} (refund ${id}); capture ${c.status}`);
    return r;
  }

  function captureRepresentation(id: string): Record<string, unknown> {
    const { capture: c, order } = findCapture(id);
    return { ...c, supplementary_data: { related_ids: { order_id: order.id } } };
  }

  function findRefund(id: string): Refund {
    const r = refunds.get(id);
    if (!r) throw notFound(id, 'refund_id');
    return r;
  }

  function scheduleDelivery(d: WebhookDelivery, body: string, delayMs: number): void {
    const timer = setTimeout(async () => {
      timers.delete(timer);
      if (closed) return;
      d.attempts += 1;
      try {
        const res = await fetch(d.url, {
          method: 'POST',
          headers: d.headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
        d.status = res.status;
        await res.body?.cancel();
        if (res.ok) {
          d.state = 'delivered';
          log(`webhook ${d.event.id} (${d.event.event_type}) delivered to ${d.url}: ${res.status}`);
          return;
        }
        d.lastError = `answered ${res.status}`;
      } catch (err) {
        d.lastError = err instanceof Error ? err.message : String(err);
      }
      if (d.attempts < (options.webhookAttempts ?? 5)) {
        scheduleDelivery(d, body, Math.min(delayMs === 0 ? 250 : delayMs * 2, 10_000));
      } else {
        d.state = 'failed';
        log(`webhook ${d.event.id} not delivered to ${d.url} after ${d.attempts} attempts: ${d.lastError}`);
      }
    }, delayMs);
    timers.add(timer);
  }

  function sendCaptureWebhook(order: Order, c: Capture, b: string): void {
    const completed = c.status === 'COMPLETED';
    sendWebhook(
      {
        event_type: completed ? 'PAYMENT.CAPTURE.COMPLETED' : 'PAYMENT.CAPTURE.DECLINED',
        resource_type: 'capture',
        summary: `Payment ${completed ? 'completed' : 'declined'} for ${c.amount.value} ${c.amount.currency_code}`,
        resource: { ...c, supplementary_data: { related_ids: { order_id: order.id } } },
      },
      b,
    );
  }

  /** PAYMENT.CAPTURE.REFUNDED: the resource is the refund, whose "up" link names the capture refunded. */
  function sendRefundWebhook(r: Refund, b: string): void {
    sendWebhook(
      {
        event_type: 'PAYMENT.CAPTURE.REFUNDED',
        resource_type: 'refund',
        summary: `A ${r.amount.value} ${r.amount.currency_code} capture payment was refunded`,
        resource: { ...r },
      },
      b,
    );
  }

  function sendWebhook(
    what: Pick<PayPalWebhookEventBody, 'event_type' | 'resource_type' | 'summary' | 'resource'>,
    b: string,
  ): void {
    if (!options.webhookUrl) return;
    const id = `WH-${paypalId()}-${paypalId()}`;
    const event: PayPalWebhookEventBody = {
      id,
      event_version: '1.0',
      create_time: now(),
      resource_type: what.resource_type,
      resource_version: '2.0',
      event_type: what.event_type,
      summary: what.summary,
      resource: what.resource,
      links: [
        { href: `${b}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
        { href: `${b}/v1/notifications/webhooks-events/${id}/resend`, rel: 'resend', method: 'POST' },
      ],
    };
    const body = JSON.stringify(event);
    const transmissionId = randomUUID();
    const transmissionTime = new Date().toISOString();
    const headers = {
      'content-type': 'application/json',
      'paypal-auth-algo': AUTH_ALGO,
      'paypal-auth-version': 'v2',
      'paypal-cert-url': `${b}/v1/notifications/certs/CERT-360caa42-fca2a594-streamshop`,
      'paypal-transmission-id': transmissionId,
      'paypal-transmission-time': transmissionTime,
      'paypal-transmission-sig': signer.sign({
        transmissionId,
        transmissionTime,
        webhookId: options.webhookId,
        body,
      }),
      'correlation-id': randomBytes(7).toString('hex'),
    };
    const d: WebhookDelivery = { event, url: options.webhookUrl, headers, attempts: 0, state: 'pending' };
    deliveries.push(d);
    scheduleDelivery(d, body, 0);
  }

  function verifySignature(body: Record<string, unknown>): { verification_status: 'SUCCESS' | 'FAILURE' } {
    const required = [
      'auth_algo',
      'cert_url',
      'transmission_id',
      'transmission_sig',
      'transmission_time',
      'webhook_id',
    ] as const;
    for (const field of required) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        throw apiError(400, 'VALIDATION_ERROR', 'Invalid request - see details', [
          { field, location: 'body', issue: 'MISSING_REQUIRED_PARAMETER', description: `${field} is required` },
        ]);
      }
    }
    if (!body.webhook_event || typeof body.webhook_event !== 'object') {
      throw apiError(400, 'VALIDATION_ERROR', 'Invalid request - see details', [
        { field: 'webhook_event', location: 'body', issue: 'MISSING_REQUIRED_PARAMETER' },
      ]);
    }
    // The event arrives parsed inside this request; the sandbox serialised it with JSON.stringify, so serialising
    // it again gives back the bytes it signed, and any change to the event changes them.
    const ok =
      body.auth_algo === AUTH_ALGO &&
      signer.verify(
        {
          transmissionId: body.transmission_id as string,
          transmissionTime: body.transmission_time as string,
          webhookId: body.webhook_id as string,
          body: JSON.stringify(body.webhook_event),
        },
        body.transmission_sig as string,
      );
    return { verification_status: ok ? 'SUCCESS' : 'FAILURE' };
  }

  function findOrder(id: string): Order {
    const order = orders.get(id);
    if (!order) throw notFound(id);
    return order;
  }

  function approvalPage(res: ServerResponse, id: string | null): void {
    const order = id ? orders.get(id) : undefined;
    if (!id || !order) {
      sendHtml(res, 404, 'Order not found', '<h1>Order not found</h1><p>This checkout link is not valid.</p>');
      return;
    }
    const total = order.purchase_units.map((u) => `${u.amount.value} ${u.amount.currency_code}`).join(' + ');
    if (order.status === 'APPROVED' || order.status === 'COMPLETED') {
      sendHtml(res, 200, 'Already approved', `<h1>Already approved</h1><p>Order ${escapeHtml(order.id)}.</p>`);
      return;
    }
    const token = escapeHtml(order.id);
    sendHtml(
      res,
      200,
      'Pay with PayPal (sandbox)',
      `<h1>Pay ${escapeHtml(total)}</h1><p>Order <code>${token}</code></p>` +
        `<form method="post" action="/checkoutnow/approve"><input type="hidden" name="token" value="${token}">` +
        '<button class="pay" type="submit" name="action" value="approve">Approve</button>' +
        '<button type="submit" name="action" value="cancel">Cancel</button></form>',
    );
  }

  function approvalForm(res: ServerResponse, form: URLSearchParams): void {
    const id = form.get('token') ?? '';
    const order = orders.get(id);
    if (!order) {
      sendHtml(res, 404, 'Order not found', '<h1>Order not found</h1>');
      return;
    }
    if (form.get('action') === 'cancel') {
      if (order.cancelUrl) {
        res.writeHead(303, { location: withQuery(order.cancelUrl, { token: id }) }).end();
      } else sendHtml(res, 200, 'Cancelled', '<h1>Payment cancelled</h1><p>You can close this window.</p>');
      return;
    }
    approve(order, false);
    if (order.returnUrl) {
      const location = withQuery(order.returnUrl, { token: id, PayerID: order.payer!.payer_id });
      res.writeHead(303, { location }).end();
    } else sendHtml(res, 200, 'Approved', '<h1>Payment approved</h1><p>You can close this window.</p>');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const b = base(req);
    const requestId = typeof req.headers['paypal-request-id'] === 'string' ? req.headers['paypal-request-id'] : '';

    if (method === 'GET' && path === '/sandbox/health') {
      return sendJson(res, 200, { status: 'UP', version: PAYPAL_SANDBOX_VERSION, orders: orders.size });
    }
    if (method === 'GET' && path === '/sandbox/webhooks') {
      return sendJson(res, 200, { deliveries });
    }
    if (method === 'GET' && path === '/checkoutnow') return approvalPage(res, url.searchParams.get('token'));
    if (method === 'POST' && path === '/checkoutnow/approve') {
      return approvalForm(res, new URLSearchParams(await readBody(req)));
    }
    const sandboxApprove = /^\/sandbox\/orders\/([A-Z0-9]+)\/approve$/.exec(path);
    if (method === 'POST' && sandboxApprove) {
      const order = findOrder(sandboxApprove[1]!);
      const body = parseJson(await readBody(req));
      const captureAmount = typeof body.capture_amount === 'string' ? body.capture_amount : undefined;
      approve(order, body.decline === true, captureAmount);
      const redirect = order.returnUrl
        ? withQuery(order.returnUrl, { token: order.id, PayerID: order.payer!.payer_id })
        : null;
      return sendJson(res, 200, {
        id: order.id,
        status: order.status,
        payer_id: order.payer!.payer_id,
        redirect_url: redirect,
      });
    }
    if (method === 'POST' && path === '/v1/oauth2/token') {
      return sendJson(res, 200, issueToken(req, await readBody(req)));
    }

    authenticate(req);
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
      return sendJson(res, 200, verifySignature(parseJson(await readBody(req))));
    }
    if (method === 'POST' && path === '/v2/checkout/orders') {
      const body = parseJson(await readBody(req));
      const key = `create:${requestId}`;
      if (requestId && replays.has(key)) return sendJson(res, 200, replays.get(key));
      const order = createOrder(body);
      const answer = wantsRepresentation(req) ? representation(order, b) : minimal(order, b);
      if (requestId) replays.set(key, answer);
      return sendJson(res, 201, answer);
    }
    const orderPath = /^\/v2\/checkout\/orders\/([^/]+)(\/capture)?$/.exec(path);
    if (orderPath && method === 'GET' && !orderPath[2]) {
      return sendJson(res, 200, representation(findOrder(orderPath[1]!), b));
    }
    if (orderPath && method === 'POST' && orderPath[2]) {
      await readBody(req);
      const order = findOrder(orderPath[1]!);
      const key = `capture:${order.id}:${requestId}`;
      if (requestId && replays.has(key)) return sendJson(res, 200, replays.get(key));
      const captured = capture(order, b);
      const answer = representation(order, b);
      if (requestId) replays.set(key, answer);
      for (const c of captured) sendCaptureWebhook(order, c, b);
      return sendJson(res, 201, answer);
    }
    const capturePath = /^\/v2\/payments\/captures\/([^/]+)(\/refund)?$/.exec(path);
    if (capturePath && method === 'GET' && !capturePath[2]) {
      return sendJson(res, 200, captureRepresentation(capturePath[1]!));
    }
    if (capturePath && method === 'POST' && capturePath[2]) {
      const body = parseJson(await readBody(req));
      const captureId = capturePath[1]!;
      const key = `refund:${captureId}:${requestId}`;
      const repeated = requestId ? replays.get(key) : undefined;
      if (typeof repeated === 'string') return sendJson(res, 200, refundAnswer(findRefund(repeated), req));
      const r = refund(captureId, body, b);
      if (requestId) replays.set(key, r.id);
      sendRefundWebhook(r, b);
      return sendJson(res, 201, refundAnswer(r, req));
    }
    const refundPath = /^\/v2\/payments\/refunds\/([^/]+)$/.exec(path);
    if (refundPath && method === 'GET') return sendJson(res, 200, findRefund(refundPath[1]!));
    throw apiError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [
      { issue: 'NOT_FOUND', description: `${method} ${path} is not implemented by the streamshop PayPal sandbox` },
    ]);
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof PayPalError) return sendJson(res, err.status, err.body);
      log(`internal error on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`);
      sendJson(res, 500, { name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error occurred.' });
    });
  });

  return {
    get url() {
      return baseUrl;
    },
    get deliveries() {
      return deliveries;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          baseUrl = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
          resolve(baseUrl);
        });
      });
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
