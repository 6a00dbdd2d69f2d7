/**
 * The Stripe provider against stripe-mock (the official SDK over HTTP): a checkout gets the PaymentIntent's client
 * secret, a refund gives the command its refund webhook would, webhooks signed the way Stripe signs them verify and
 * anything else is refused, and the test-mode
 * simulation delivers a `payment_intent.succeeded` that an independent receiver verifies with the stripe SDK.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@streamshop/config';
import { eventually } from '@streamshop/testkit';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeProvider, PaymentProviderError, WebhookVerificationError } from '../src/providers/index.ts';

const config = loadConfig();
const provider = createStripeProvider(config.stripe);
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const ids = () => ({ paymentId: `payment-${randomUUID()}`, orderId: `order-${randomUUID()}` });

/** A webhook endpoint of our own that checks the signature with the stripe SDK, as any Stripe integration does. */
let receiver: Server;
let webhookUrl: string;
const received: { event: Stripe.Event; raw: string; signature: string }[] = [];
const refused: string[] = [];

beforeAll(async () => {
  const verifier = new Stripe('sk_test_receiver');
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['stripe-signature'] ?? '');
      try {
        const event = verifier.webhooks.constructEvent(raw, signature, config.stripe.webhookSecret);
        received.push({ event, raw, signature });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      } catch (err) {
        refused.push((err as Error).message);
        res.writeHead(400).end('bad signature');
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('Stripe provider', () => {
  it('starts a checkout: a PaymentIntent with its client secret, in test mode', async () => {
    const checkout = await provider.startCheckout({ ...ids(), amount: eur(4599) });
    expect(checkout.provider).toBe('stripe');
    expect(checkout.paymentIntentId).toMatch(/^pi_/);
    expect(checkout.clientSecret).toMatch(/^pi_\w+_secret_\w+/);
    expect(checkout.testMode).toBe(true);
  });

  it('refunds (part of) a PaymentIntent: the refunded command, the same one its refund webhook maps to', async () => {
    const payment = ids();
    const { paymentIntentId } = await provider.startCheckout({ ...payment, amount: eur(4599) });
    const refundRequest = randomUUID();
    const recorded = await provider.refund(
      {
        ...payment,
        providerReference: paymentIntentId,
        amount: eur(1500),
        reason: 'order_cancelled',
        idempotencyKey: refundRequest,
      },
      1_790_000_000_000,
    );
    expect(recorded).toMatchObject({
      aggregateId: payment.paymentId,
      correlationId: payment.orderId,
      kind: 'refunded',
      providerReference: paymentIntentId,
      amount: eur(1500),
      issuedAt: 1_790_000_000_000,
    });
    expect(recorded!.providerEventId).toMatch(/^re_/);
    // Stripe's refund.created for that refund (as it reports it: our metadata on it) is the same command.
    const fromWebhook = provider.toCommand(
      {
        id: 'evt_refund_created',
        type: 'refund.created',
        data: {
          object: {
            id: recorded!.providerEventId,
            object: 'refund',
            status: 'succeeded',
            payment_intent: paymentIntentId,
            amount: 1500,
            currency: 'eur',
            metadata: { ...payment, refundRequest },
          },
        },
      } as unknown as Stripe.Event,
      1_790_000_000_000,
    );
    expect(fromWebhook).toEqual(recorded);
  });

  it('reports a refund Stripe refuses as a permanent error naming the payment', async () => {
    const payment = ids();
    const failed = await provider
      .refund(
        {
          ...payment,
          providerReference: 'pi_x',
          amount: { amount: 1.5, currency: 'EUR' },
          reason: null,
          idempotencyKey: randomUUID(),
        },
        0,
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failed).toBeInstanceOf(PaymentProviderError);
    expect(failed).toMatchObject({ code: 'provider_request_refused', permanent: true });
    expect((failed as Error).message).toContain(payment.paymentId);
  });

  it('reports a request Stripe refuses (stripe-mock validates against the API spec) as a permanent error', async () => {
    const failed = await provider.startCheckout({ ...ids(), amount: { amount: 1.5, currency: 'EUR' } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(PaymentProviderError);
    expect(failed).toMatchObject({ code: 'provider_request_refused', permanent: true });
  });

  it('verifies a webhook signed with the endpoint secret as Stripe signs it, and refuses any other', () => {
    const payload = JSON.stringify({
      id: 'evt_test_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1', object: 'payment_intent', metadata: {} } },
    });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
      payload,
      secret: config.stripe.webhookSecret,
    });
    expect(provider.verifyWebhook(Buffer.from(payload), header).id).toBe('evt_test_1');

    const otherSecret = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_someone_else',
    });
    for (const [body, signature] of [
      [payload, otherSecret],
      [payload.replace('evt_test_1', 'evt_test_2'), header],
      [payload, 't=1,v1=deadbeef'],
      [payload, undefined],
    ] as const) {
      let error: unknown;
      try {
        provider.verifyWebhook(body, signature);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error).toMatchObject({ code: 'invalid_signature', name: 'WebhookVerificationError' });
    }
  });

  it('simulates the succeeded webhook: signed as the Stripe CLI signs, verified by the receiver, mapped to captured', async () => {
    const payment = ids();
    const { eventId } = await provider.simulateSucceeded({ ...payment, amount: eur(4599), webhookUrl });
    const delivery = await eventually(
      () => {
        const d = received.find((r) => r.event.id === eventId);
        if (!d) throw new Error(`event ${eventId} not received`);
        return d;
      },
      { timeoutMs: 10_000, message: 'the simulated webhook reaches the receiver' },
    );
    expect(refused).toEqual([]);
    expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(delivery.event.type).toBe('payment_intent.succeeded');
    if (delivery.event.type !== 'payment_intent.succeeded') return;
    const intent = delivery.event.data.object;
    expect(intent).toMatchObject({
      object: 'payment_intent',
      status: 'succeeded',
      amount: 4599,
      amount_received: 4599,
      currency: 'eur',
      metadata: payment,
    });
    expect(intent.id).toMatch(/^pi_/);

    // The gateway's side of the same delivery: verify, then map.
    const verified = provider.verifyWebhook(delivery.raw, delivery.signature);
    const command = provider.toCommand(verified, 1_790_000_000_000);
    expect(command).toMatchObject({
      aggregateId: payment.paymentId,
      correlationId: payment.orderId,
      providerEventId: eventId,
      kind: 'captured',
      providerReference: intent.id,
      amount: eur(4599),
    });
  });

  it('refuses to simulate with a live key, before calling anyone', async () => {
    const live = createStripeProvider({ ...config.stripe, secretKey: 'sk_live_streamshop' });
    expect(live.testMode).toBe(false);
    const before = received.length;
    await expect(live.simulateSucceeded({ ...ids(), amount: eur(100), webhookUrl })).rejects.toMatchObject({
      code: 'live_mode',
    });
    expect(received.length).toBe(before);
  });

  it('reports a receiver that refuses the simulated webhook', async () => {
    const wrongSecret = createStripeProvider({ ...config.stripe, webhookSecret: 'whsec_not_the_receivers' });
    await expect(wrongSecret.simulateSucceeded({ ...ids(), amount: eur(100), webhookUrl })).rejects.toMatchObject({
      code: 'webhook_not_accepted',
    });
    expect(refused.length).toBeGreaterThan(0);
  });
});
