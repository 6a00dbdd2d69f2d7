/**
 * The PayPal provider (the official @paypal/paypal-server-sdk) against the PayPal sandbox of the local stack, started
 * here on a free port so each test sees its own deliveries: checkout → approval page → approve → capture → the
 * command to record, capture refused before approval, webhooks verified through verify-webhook-signature (SUCCESS
 * for what the sandbox signed, FAILURE for anything altered), and the same calls against the stack's own sandbox.
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

async function webhookFor(paypalOrderId: string) {
  return eventually(
    () => {
      const hit = webhooks.find((w) => w.raw.includes(paypalOrderId));
      if (!hit) throw new Error(`no webhook for ${paypalOrderId} yet`);
      return hit;
    },
    { timeoutMs: 10_000, message: `the sandbox POSTs the capture webhook of ${paypalOrderId}` },
  );
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
