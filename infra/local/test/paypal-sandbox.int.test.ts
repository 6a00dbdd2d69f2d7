/**
 * The PayPal sandbox over plain HTTP, in PayPal's documented shapes: OAuth client credentials guard the API,
 * PayPal-Request-Id makes create and capture repeatable, the approval page approves or cancels back to the merchant,
 * capture webhooks are redelivered until the receiver accepts them, each verifiable once and only unaltered, and
 * captures are refunded in parts up to what was captured, once per PayPal-Request-Id, each with a signed webhook.
 * The stack's own sandbox (started by `streamshop stack up`) answers its health check.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@streamshop/config';
import { createPayPalSandbox, type PayPalSandbox, status } from '@streamshop/stack';
import { eventually } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLIENT = { clientId: 'sbx-client', clientSecret: 'sbx-secret', webhookId: 'WH-SBX' };

let sandbox: PayPalSandbox;
let base: string;
let receiver: Server;
/** The receiver refuses the first delivery of every webhook (PayPal retries until it gets a 2xx). */
const seen = new Map<string, number>();
const accepted: { headers: IncomingHttpHeaders; raw: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const id = (JSON.parse(raw) as { id: string }).id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (seen.get(id) === 1) return void res.writeHead(503).end();
      accepted.push({ headers: req.headers, raw });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  sandbox = createPayPalSandbox({ ...CLIENT, webhookUrl });
  base = await sandbox.listen(0);
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function token(id = CLIENT.clientId, secret = CLIENT.clientSecret): Promise<Response> {
  return fetch(`${base}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
}

async function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const { access_token } = (await (await token()).json()) as { access_token: string };
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string; status: string } };
}

const order = (value: string, extra: Record<string, unknown> = {}) => ({
  intent: 'CAPTURE',
  purchase_units: [{ custom_id: 'pay-1', invoice_id: 'order-1', amount: { currency_code: 'EUR', value } }],
  ...extra,
});

describe('PayPal sandbox', () => {
  it('issues bearer tokens for the configured client only, and requires one', async () => {
    const ok = await token();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 32400 });
    const wrong = await token('sbx-client', 'nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const anonymous = await fetch(`${base}/v2/checkout/orders/X`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('creates orders once per PayPal-Request-Id, validates amounts, answers unknown ids 404', async () => {
    const first = await api('/v2/checkout/orders', {
      method: 'POST',
      body: order('12.34'),
      headers: { 'paypal-request-id': 'r-1' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'CREATED' });
    expect((first.body.links as { rel: string }[]).map((l) => l.rel)).toContain('approve');
    const again = await api('/v2/checkout/orders', {
      method: 'POST',
      body: order('12.34'),
      headers: { 'paypal-request-id': 'r-1' },
    });
    expect(again.body.id).toBe(first.body.id);

    const bad = await api('/v2/checkout/orders', { method: 'POST', body: order('12,34') });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ name: 'INVALID_REQUEST' });
    const missing = await api('/v2/checkout/orders/NOSUCHORDER');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });
  });

  it('sends the shopper who cancels back to the cancel URL, and the order stays uncaptured', async () => {
    const created = await api('/v2/checkout/orders', {
      method: 'POST',
      body: order('5.00', {
        payment_source: {
          paypal: { experience_context: { return_url: 'https://s.test/ok', cancel_url: 'https://s.test/no' } },
        },
      }),
    });
    expect(created.body.status).toBe('PAYER_ACTION_REQUIRED');
    const cancelled = await fetch(`${base}/checkoutnow/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: created.body.id, action: 'cancel' }),
      redirect: 'manual',
    });
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get('location')).toBe(`https://s.test/no?token=${created.body.id}`);
    const capture = await api(`/v2/checkout/orders/${created.body.id}/capture`, { method: 'POST' });
    expect(capture.status).toBe(422);
    expect(capture.body).toMatchObject({ details: [{ issue: 'ORDER_NOT_APPROVED' }] });
  });

  it('captures once, redelivers the webhook until accepted, and verifies exactly what it sent', async () => {
    const created = await api('/v2/checkout/orders', { method: 'POST', body: order('19.99') });
    const approved = await fetch(`${base}/sandbox/orders/${created.body.id}/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);
    const captured = await api(`/v2/checkout/orders/${created.body.id}/capture`, {
      method: 'POST',
      headers: { 'paypal-request-id': 'cap-1', prefer: 'return=representation' },
    });
    expect(captured.status).toBe(201);
    expect(captured.body).toMatchObject({
      status: 'COMPLETED',
      purchase_units: [
        { payments: { captures: [{ status: 'COMPLETED', amount: { currency_code: 'EUR', value: '19.99' } }] } },
      ],
    });
    const repeat = await api(`/v2/checkout/orders/${created.body.id}/capture`, {
      method: 'POST',
      headers: { 'paypal-request-id': 'cap-1' },
    });
    expect(repeat.body).toEqual(captured.body);
    const second = await api(`/v2/checkout/orders/${created.body.id}/capture`, { method: 'POST' });
    expect(second.body).toMatchObject({ details: [{ issue: 'ORDER_ALREADY_CAPTURED' }] });

    const delivered = await eventually(
      () => {
        const d = accepted.find((a) => a.raw.includes(created.body.id));
        if (!d) throw new Error('not delivered yet');
        return d;
      },
      { timeoutMs: 15_000, message: 'the webhook is redelivered after the receiver refused it once' },
    );
    const event = JSON.parse(delivered.raw) as { id: string; event_type: string };
    expect(event.event_type).toBe('PAYMENT.CAPTURE.COMPLETED');
    expect(seen.get(event.id)).toBe(2);
    expect(sandbox.deliveries.find((d) => d.event.id === event.id)).toMatchObject({ state: 'delivered', attempts: 2 });

    const verify = (webhookEvent: unknown, overrides: Record<string, string> = {}) =>
      api('/v1/notifications/verify-webhook-signature', {
        method: 'POST',
        body: {
          auth_algo: delivered.headers['paypal-auth-algo'],
          cert_url: delivered.headers['paypal-cert-url'],
          transmission_id: delivered.headers['paypal-transmission-id'],
          transmission_sig: delivered.headers['paypal-transmission-sig'],
          transmission_time: delivered.headers['paypal-transmission-time'],
          webhook_id: CLIENT.webhookId,
          ...overrides,
          webhook_event: webhookEvent,
        },
      });
    expect((await verify(JSON.parse(delivered.raw))).body).toEqual({ verification_status: 'SUCCESS' });
    expect((await verify({ ...JSON.parse(delivered.raw), summary: 'changed' })).body).toEqual({
      verification_status: 'FAILURE',
    });
    expect((await verify(JSON.parse(delivered.raw), { webhook_id: 'WH-OTHER' })).body).toEqual({
      verification_status: 'FAILURE',
    });
    expect((await verify(JSON.parse(delivered.raw), { transmission_time: new Date().toISOString() })).body).toEqual({
      verification_status: 'FAILURE',
    });
  });

  it('refunds a capture in parts, once per PayPal-Request-Id, never beyond it, with a signed webhook each', async () => {
    const unknown = await api('/v2/payments/captures/NOSUCHCAPTURE/refund', { method: 'POST', body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });

    const created = await api('/v2/checkout/orders', { method: 'POST', body: order('19.99') });
    await fetch(`${base}/sandbox/orders/${created.body.id}/approve`, { method: 'POST' });
    const captured = await api(`/v2/checkout/orders/${created.body.id}/capture`, { method: 'POST' });
    const units = captured.body.purchase_units as { payments: { captures: { id: string }[] } }[];
    const captureId = units[0]!.payments.captures[0]!.id;
    const refundPath = `/v2/payments/captures/${captureId}/refund`;

    const anonymous = await fetch(`${base}${refundPath}`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const refused = async (amount: { currency_code: string; value: string }, issue: string) => {
      const res = await api(refundPath, { method: 'POST', body: { amount } });
      expect(res.status, issue).toBe(422);
      expect(res.body).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue }] });
    };
    await refused({ currency_code: 'USD', value: '1.00' }, 'REFUND_CAPTURE_CURRENCY_MISMATCH');
    await refused({ currency_code: 'EUR', value: '0.00' }, 'CANNOT_BE_ZERO_OR_NEGATIVE');
    await refused({ currency_code: 'EUR', value: '1.001' }, 'DECIMAL_PRECISION');
    await refused({ currency_code: 'EUR', value: '20.00' }, 'REFUND_AMOUNT_EXCEEDED');

    const asked = {
      amount: { currency_code: 'EUR', value: '5.00' },
      custom_id: 'pay-1',
      invoice_id: 'order-1',
      note_to_payer: 'Sorry',
    };
    const first = await api(refundPath, {
      method: 'POST',
      body: asked,
      headers: { 'paypal-request-id': 'refund-1', prefer: 'return=representation' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'COMPLETED', ...asked });
    expect(first.body.id).toMatch(/^[A-Z0-9]{17}$/);
    expect(first.body.create_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(first.body.links).toEqual(
      expect.arrayContaining([
        { href: `${base}/v2/payments/refunds/${first.body.id}`, rel: 'self', method: 'GET' },
        { href: `${base}/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' },
      ]),
    );
    // The same PayPal-Request-Id is the same refund (here answered minimally, PayPal's default), not a second one.
    const repeat = await api(refundPath, { method: 'POST', body: asked, headers: { 'paypal-request-id': 'refund-1' } });
    expect(repeat.body).toEqual({ id: first.body.id, status: 'COMPLETED', links: first.body.links });
    expect((await api(`/v2/payments/captures/${captureId}`)).body).toMatchObject({ status: 'PARTIALLY_REFUNDED' });
    await refused({ currency_code: 'EUR', value: '15.00' }, 'REFUND_AMOUNT_EXCEEDED');

    // No amount: all that is left.
    const rest = await api(refundPath, { method: 'POST', headers: { prefer: 'return=representation' } });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ status: 'COMPLETED', amount: { currency_code: 'EUR', value: '14.99' } });
    expect((await api(`/v2/payments/captures/${captureId}`)).body).toMatchObject({ status: 'REFUNDED' });
    const more = await api(refundPath, { method: 'POST', body: {} });
    expect(more.status).toBe(422);
    expect(more.body).toMatchObject({ details: [{ issue: 'CAPTURE_FULLY_REFUNDED' }] });

    expect((await api(`/v2/payments/refunds/${first.body.id}`)).body).toEqual(first.body);
    expect((await api('/v2/payments/refunds/NOSUCHREFUND')).status).toBe(404);
    const shown = await api(`/v2/checkout/orders/${created.body.id}`);
    expect(shown.body).toMatchObject({
      purchase_units: [{ payments: { refunds: [{ id: first.body.id }, { id: rest.body.id }] } }],
    });

    const delivered = await eventually(
      () => {
        const d = accepted.find((a) => a.raw.includes(first.body.id) && a.raw.includes('PAYMENT.CAPTURE.REFUNDED'));
        if (!d) throw new Error('not delivered yet');
        return d;
      },
      { timeoutMs: 15_000, message: 'the refund webhook is delivered' },
    );
    const event = JSON.parse(delivered.raw) as { resource_type: string; resource: Record<string, unknown> };
    expect(event).toMatchObject({ resource_type: 'refund', resource: { ...first.body } });
    expect(sandbox.deliveries.filter((d) => d.event.event_type === 'PAYMENT.CAPTURE.REFUNDED')).toHaveLength(2);
    const verified = await api('/v1/notifications/verify-webhook-signature', {
      method: 'POST',
      body: {
        auth_algo: delivered.headers['paypal-auth-algo'],
        cert_url: delivered.headers['paypal-cert-url'],
        transmission_id: delivered.headers['paypal-transmission-id'],
        transmission_sig: delivered.headers['paypal-transmission-sig'],
        transmission_time: delivered.headers['paypal-transmission-time'],
        webhook_id: CLIENT.webhookId,
        webhook_event: event,
      },
    });
    expect(verified.body).toEqual({ verification_status: 'SUCCESS' });
  });

  it('runs in the stack: streamshop stack up starts it and its health check answers', async () => {
    const [row] = await status(loadConfig(), { only: ['paypal-sandbox'] });
    expect(row).toMatchObject({ component: 'paypal-sandbox', healthy: true });
    expect(row?.pid).toBeGreaterThan(0);
    expect(row?.url).toBe(loadConfig().paypal.apiBase);
  });
});
