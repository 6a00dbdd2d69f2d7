/**
 * The PayPal provider (the official @paypal/paypal-server-sdk) against the PayPal sandbox of the local stack, started
 * here on a free port so each test sees its own deliveries: checkout → approval page → approve → capture → the
 * command to record, capture refused before approval, webhooks verified through verify-webhook-signature (SUCCESS
 * for what the sandbox signed, FAILURE for anything altered), refunds (partial, repeated, beyond what is left, and
 * their webhook recorded as the same provider event), and the same calls against the stack's own sandbox.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@streamshop/config';
import { createPayPalSandbox, type PayPalSandbox } from '@streamshop/stack';
import { eventually } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPayPalProvider,
  PaymentProviderError,
  type PayPalProvider,
  WebhookVerificationError,
} from '../src/providers/index.ts';

const NOW = 1_790_000_000_000;
const CREDENTIALS = { clientId: 'test-client', clientSecret: 'test-secret', webhookId: 'WH-TEST-1234' };
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const ids = () => ({ paymentId: `payment-${randomUUID()}`, orderId: `order-${randomUUID()}` });

let sandbox: PayPalSandbox;
let paypal: PayPalProvider;
let receiver: Server;
const webhooks: { headers: IncomingHttpHeaders; raw: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      webhooks.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/paypal`;
  sandbox = createPayPalSandbox({ ...CREDENTIALS, webhookUrl });
  const apiBase = await sandbox.listen(0);
  paypal = createPayPalProvider({ ...CREDENTIALS, apiBase });
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

/**
 * The shopper on the approval page: GET the link, submit its Approve form, and get PayPal's redirect back to the
 * checkout's return URL (null when the checkout gave none: the page then just says it is approved).
 */
async function approveInBrowser(approvalUrl: string): Promise<URL | null> {
  const page = await fetch(approvalUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = /<form method="post" action="([^"]+)">/.exec(html);
  const token = /name="token" value="([^"]+)"/.exec(html);
  expect(form, 'the approval page has a form').toBeTruthy();
  const submitted = await fetch(new URL(form![1]!, approvalUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: token![1]!, action: 'approve' }),
    redirect: 'manual',
  });
  if (submitted.status === 200) {
    expect(await submitted.text()).toContain('Payment approved');
    return null;
  }
  expect(submitted.status).toBe(303);
  return new URL(submitted.headers.get('location')!);
}

/** The first webhook received that mentions `id` (a PayPal order for captures, a refund for refunds). */
async function webhookFor(id: string, eventType = 'PAYMENT.CAPTURE.') {
  return eventually(
    () => {
      const hit = webhooks.find((w) => w.raw.includes(id) && w.raw.includes(`"event_type":"${eventType}`));
      if (!hit) throw new Error(`no ${eventType} webhook for ${id} yet`);
      return hit;
    },
    { timeoutMs: 10_000, message: `the sandbox POSTs the ${eventType} webhook of ${id}` },
  );
}

/** GET from the sandbox's PayPal API, as the merchant: to see what PayPal holds, independently of the provider. */
async function paypalGet<T>(path: string): Promise<T> {
  const basic = Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64');
  const token = await fetch(`${sandbox.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const res = await fetch(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${access_token}` } });
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

type PayPalOrderJson = {
  purchase_units: {
    payments: {
      captures: { id: string; status: string }[];
      refunds?: { id: string; amount: { value: string } }[];
    };
  }[];
};

/** A payment checked out, approved and captured at the sandbox: what a refund is asked against. */
async function capturedPayment(amount: number) {
  const payment = ids();
  const { paypalOrderId, approvalUrl } = await paypal.startCheckout({ ...payment, amount: eur(amount) });
  await approveInBrowser(approvalUrl);
  const captured = await paypal.capture({ ...payment, paypalOrderId }, NOW);
  expect(captured).toMatchObject({ kind: 'captured', amount: eur(amount) });
  return { ...payment, paypalOrderId };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('PayPal provider against the sandbox', () => {
  it('checkout → approve → capture gives the captured command, with the amount asked', async () => {
    const payment = ids();
    const returnUrl = 'https://shop.example/checkout/paypal/return';
    const checkout = await paypal.startCheckout({
      ...payment,
      amount: eur(4599),
      returnUrl,
      cancelUrl: 'https://shop.example/checkout/paypal/cancel',
    });
    expect(checkout.provider).toBe('paypal');
    expect(checkout.paypalOrderId).toMatch(/^[A-Z0-9]{17}$/);
    expect(checkout.approvalUrl).toBe(`${sandbox.url}/checkoutnow?token=${checkout.paypalOrderId}`);

    // Starting the same payment's checkout again is the same PayPal order (PayPal-Request-Id = payment id).
    const again = await paypal.startCheckout({ ...payment, amount: eur(4599), returnUrl });
    expect(again.paypalOrderId).toBe(checkout.paypalOrderId);

    const back = await approveInBrowser(checkout.approvalUrl);
    expect(`${back?.origin}${back?.pathname}`).toBe(returnUrl);
    expect(back?.searchParams.get('token')).toBe(checkout.paypalOrderId);
    expect(back?.searchParams.get('PayerID')).toMatch(/^[A-Z0-9]{13}$/);

    const command = await paypal.capture({ ...payment, paypalOrderId: checkout.paypalOrderId }, NOW);
    expect(command).toMatchObject({
      aggregateId: payment.paymentId,
      correlationId: payment.orderId,
      issuedAt: NOW,
      kind: 'captured',
      providerReference: checkout.paypalOrderId,
      amount: eur(4599),
      failureReason: null,
    });
    // Capturing again (a retried request, a double click) gives the same command, not a second capture.
    expect(await paypal.capture({ ...payment, paypalOrderId: checkout.paypalOrderId }, NOW)).toEqual(command);
  });

  it('refuses to capture before the shopper approved: order_not_approved, nothing to record', async () => {
    const payment = ids();
    const { paypalOrderId } = await paypal.startCheckout({ ...payment, amount: eur(1000) });
    const err = await failure(paypal.capture({ ...payment, paypalOrderId }, NOW));
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect(err).toMatchObject({ code: 'order_not_approved', providerCode: 'ORDER_NOT_APPROVED', status: 409 });
  });

  it('refuses to capture an order for another payment than the one it was created for', async () => {
    const payment = ids();
    const { paypalOrderId, approvalUrl } = await paypal.startCheckout({ ...payment, amount: eur(1000) });
    await approveInBrowser(approvalUrl);
    const err = await failure(paypal.capture({ ...ids(), paypalOrderId }, NOW));
    expect(err).toMatchObject({ code: 'provider_order_mismatch' });
    const unknown = await failure(paypal.capture({ ...payment, paypalOrderId: 'NOSUCHORDER000000' }, NOW));
    expect(unknown).toMatchObject({ code: 'provider_order_not_found' });
  });

  it('verifies the capture webhook through verify-webhook-signature and maps it; refuses it altered', async () => {
    const payment = ids();
    const { paypalOrderId, approvalUrl } = await paypal.startCheckout({ ...payment, amount: eur(2550) });
    await approveInBrowser(approvalUrl);
    await paypal.capture({ ...payment, paypalOrderId }, NOW);
    const { headers, raw } = await webhookFor(paypalOrderId);
    expect(headers['paypal-transmission-sig']).toBeTruthy();

    const event = await paypal.verifyWebhook(headers, Buffer.from(raw));
    expect(event.event_type).toBe('PAYMENT.CAPTURE.COMPLETED');
    expect(paypal.toCommand(event, NOW)).toMatchObject({
      aggregateId: payment.paymentId,
      correlationId: payment.orderId,
      providerEventId: event.id,
      kind: 'captured',
      providerReference: paypalOrderId,
      amount: eur(2550),
    });

    const altered = raw.replace('"25.50"', '"2550.00"');
    expect(altered).not.toBe(raw);
    const tampered = await failure(paypal.verifyWebhook(headers, altered));
    expect(tampered).toBeInstanceOf(WebhookVerificationError);
    expect(tampered).toMatchObject({ code: 'invalid_signature' });

    const forged = await failure(
      paypal.verifyWebhook({ ...headers, 'paypal-transmission-sig': Buffer.alloc(32).toString('base64') }, raw),
    );
    expect(forged).toMatchObject({ code: 'invalid_signature' });

    // Signed for another webhook id: PayPal binds a transmission to the webhook it was sent for.
    const elsewhere = createPayPalProvider({ ...CREDENTIALS, webhookId: 'WH-SOMEONE-ELSE', apiBase: sandbox.url });
    expect(await failure(elsewhere.verifyWebhook(headers, raw))).toMatchObject({ code: 'invalid_signature' });

    const { 'paypal-transmission-id': _, ...missing } = headers;
    expect(await failure(paypal.verifyWebhook(missing, raw))).toMatchObject({ code: 'invalid_signature' });
  });

  it('records a declined capture as failed, from the capture and from its webhook', async () => {
    const payment = ids();
    const { paypalOrderId } = await paypal.startCheckout({ ...payment, amount: eur(999) });
    const approved = await fetch(`${sandbox.url}/sandbox/orders/${paypalOrderId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decline: true }),
    });
    expect(approved.status).toBe(200);
    const command = await paypal.capture({ ...payment, paypalOrderId }, NOW);
    expect(command).toMatchObject({ kind: 'failed', failureReason: 'paypal_capture_declined', amount: null });
    const { headers, raw } = await webhookFor(paypalOrderId);
    const event = await paypal.verifyWebhook(headers, raw);
    expect(event.event_type).toBe('PAYMENT.CAPTURE.DECLINED');
    expect(paypal.toCommand(event, NOW)).toMatchObject({ kind: 'failed', aggregateId: payment.paymentId });
  });

  it('refunds part of a captured order once per idempotency key, then the rest, and refuses more', async () => {
    const payment = await capturedPayment(4599);
    const ask = (amount: number, idempotencyKey: string) =>
      paypal.refund(
        {
          ...payment,
          providerReference: payment.paypalOrderId,
          amount: eur(amount),
          reason: 'damaged in transit',
          idempotencyKey,
        },
        NOW,
      );
    const refundsHeld = async () =>
      (await paypalGet<PayPalOrderJson>(`/v2/checkout/orders/${payment.paypalOrderId}`)).purchase_units[0]!.payments;

    const firstKey = `refund-${randomUUID()}`;
    const first = await ask(1000, firstKey);
    expect(first).toMatchObject({
      aggregateId: payment.paymentId,
      correlationId: payment.orderId,
      issuedAt: NOW,
      kind: 'refunded',
      providerReference: payment.paypalOrderId,
      amount: eur(1000),
      failureReason: null,
    });
    const refundId = first!.providerEventId.replace(/^paypal-refund:/, '');
    expect(first!.providerEventId).toBe(`paypal-refund:${refundId}`);
    expect(refundId).toMatch(/^[A-Z0-9]{17}$/);

    // What PayPal holds: the refund carries our ids (its webhook maps back with them) and the reason for the payer.
    expect(await paypalGet(`/v2/payments/refunds/${refundId}`)).toMatchObject({
      status: 'COMPLETED',
      amount: { currency_code: 'EUR', value: '10.00' },
      custom_id: payment.paymentId,
      invoice_id: payment.orderId,
      note_to_payer: 'damaged in transit',
    });
    expect(await refundsHeld()).toMatchObject({
      captures: [{ status: 'PARTIALLY_REFUNDED' }],
      refunds: [{ id: refundId }],
    });

    // The same refund decision asked again (a redelivered PaymentRefundRequested): the same refund, not a second.
    expect(await ask(1000, firstKey)).toEqual(first);
    expect((await refundsHeld()).refunds).toHaveLength(1);

    // 35.99 is left: more is refused for good, and the refusal says why.
    const tooMuch = await failure(ask(3600, `refund-${randomUUID()}`));
    expect(tooMuch).toBeInstanceOf(PaymentProviderError);
    expect(tooMuch).toMatchObject({
      code: 'provider_request_refused',
      providerCode: 'REFUND_AMOUNT_EXCEEDED',
      permanent: true,
    });

    const rest = await ask(3599, `refund-${randomUUID()}`);
    expect(rest).toMatchObject({ kind: 'refunded', amount: eur(3599), aggregateId: payment.paymentId });
    expect(rest!.providerEventId).toMatch(/^paypal-refund:[A-Z0-9]{17}$/);
    expect(rest!.providerEventId).not.toBe(first!.providerEventId);
    expect(rest!.commandId).not.toBe(first!.commandId);
    expect(await refundsHeld()).toMatchObject({ captures: [{ status: 'REFUNDED' }] });

    const nothingLeft = await failure(ask(1, `refund-${randomUUID()}`));
    expect(nothingLeft).toMatchObject({ providerCode: 'CAPTURE_FULLY_REFUNDED', permanent: true });
  });

  it('verifies the PAYMENT.CAPTURE.REFUNDED webhook and maps it to the refund the API answer recorded', async () => {
    const payment = await capturedPayment(2000);
    const answered = await paypal.refund(
      {
        ...payment,
        providerReference: payment.paypalOrderId,
        amount: eur(500),
        reason: null,
        idempotencyKey: `refund-${randomUUID()}`,
      },
      NOW,
    );
    expect(answered).toMatchObject({ kind: 'refunded', amount: eur(500) });
    const refundId = answered!.providerEventId.replace(/^paypal-refund:/, '');

    const { headers, raw } = await webhookFor(refundId, 'PAYMENT.CAPTURE.REFUNDED');
    const event = await paypal.verifyWebhook(headers, raw);
    expect(event.event_type).toBe('PAYMENT.CAPTURE.REFUNDED');
    expect(event.resource).toMatchObject({ id: refundId, custom_id: payment.paymentId, invoice_id: payment.orderId });
    expect(event.resource.note_to_payer).toBeUndefined();
    const fromWebhook = paypal.toCommand(event, NOW + 1);
    // The same provider event and command as the API answer: the Payment decider records the refund once.
    expect(fromWebhook).toMatchObject({
      providerEventId: answered!.providerEventId,
      commandId: answered!.commandId,
      aggregateId: payment.paymentId,
      correlationId: payment.orderId,
      kind: 'refunded',
      amount: eur(500),
    });
    expect(fromWebhook!.providerEventId).not.toBe(event.id);

    const tampered = await failure(paypal.verifyWebhook(headers, raw.replace('"5.00"', '"50.00"')));
    expect(tampered).toMatchObject({ code: 'invalid_signature' });
  });

  it('refuses to refund an order that does not exist, another payment’s order, or one not captured', async () => {
    const request = (providerReference: string, payment = ids()) => ({
      ...payment,
      providerReference,
      amount: eur(100),
      reason: null,
      idempotencyKey: `refund-${randomUUID()}`,
    });
    const missing = await failure(paypal.refund(request('NOSUCHORDER000000'), NOW));
    expect(missing).toBeInstanceOf(PaymentProviderError);
    expect(missing).toMatchObject({ code: 'provider_order_not_found', permanent: true, status: 404 });
    expect((missing as Error).message).toContain('NOSUCHORDER000000');

    const captured = await capturedPayment(1000);
    expect(await failure(paypal.refund(request(captured.paypalOrderId), NOW))).toMatchObject({
      code: 'provider_order_mismatch',
      permanent: true,
    });

    const payment = ids();
    const { paypalOrderId, approvalUrl } = await paypal.startCheckout({ ...payment, amount: eur(1000) });
    await approveInBrowser(approvalUrl);
    const uncaptured = await failure(paypal.refund(request(paypalOrderId, payment), NOW));
    expect(uncaptured).toMatchObject({ code: 'provider_request_refused', permanent: true });
    expect((uncaptured as Error).message).toContain('no capture');
  });

  it('fetches a new access token when the server no longer knows the cached one (sandbox restarted)', async () => {
    const restartable = createPayPalSandbox(CREDENTIALS);
    const base = await restartable.listen(0);
    const provider = createPayPalProvider({ ...CREDENTIALS, apiBase: base });
    await provider.startCheckout({ ...ids(), amount: eur(100) });
    await restartable.close();
    const restarted = createPayPalSandbox(CREDENTIALS);
    await restarted.listen(Number(new URL(base).port));
    try {
      const checkout = await provider.startCheckout({ ...ids(), amount: eur(100) });
      expect(checkout.paypalOrderId).toMatch(/^[A-Z0-9]{17}$/);
    } finally {
      await restarted.close();
    }
  });

  it('reports refused credentials as provider_auth_failed', async () => {
    const wrong = createPayPalProvider({ ...CREDENTIALS, clientSecret: 'wrong', apiBase: sandbox.url });
    expect(await failure(wrong.startCheckout({ ...ids(), amount: eur(100) }))).toMatchObject({
      code: 'provider_auth_failed',
    });
  });
});

describe('PayPal provider against the stack’s sandbox', () => {
  it('creates an order with the default configuration (PAYPAL_API_BASE = the stack’s paypal-sandbox)', async () => {
    const config = loadConfig();
    const provider = createPayPalProvider(config.paypal);
    const payment = ids();
    const checkout = await provider.startCheckout({ ...payment, amount: eur(4599) });
    expect(checkout.approvalUrl).toBe(`${config.paypal.apiBase}/checkoutnow?token=${checkout.paypalOrderId}`);
    await approveInBrowser(checkout.approvalUrl);
    const command = await provider.capture({ ...payment, paypalOrderId: checkout.paypalOrderId }, NOW);
    expect(command).toMatchObject({ kind: 'captured', amount: eur(4599) });
  });
});
