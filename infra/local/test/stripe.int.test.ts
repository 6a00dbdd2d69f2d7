/** The official stripe SDK against stripe-mock: the PaymentIntent calls the payment service makes. */
import { loadConfig } from '@streamshop/config';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

describe('stripe-mock', () => {
  it('creates and retrieves a PaymentIntent through the stripe SDK', async () => {
    const config = loadConfig();
    const base = new URL(config.stripe.apiBase);
    const stripe = new Stripe(config.stripe.secretKey, {
      host: base.hostname,
      port: Number(base.port),
      protocol: base.protocol.replace(':', '') as 'http' | 'https',
      maxNetworkRetries: 2,
    });
    const created = await stripe.paymentIntents.create(
      { amount: 4599, currency: 'eur', metadata: { orderId: 'o-1' } },
      { idempotencyKey: 'payment-o-1' },
    );
    expect(created.object).toBe('payment_intent');
    expect(created.id).toMatch(/^pi_/);
    expect(created.amount).toBe(4599);
    expect(created.client_secret).toBeTruthy();

    const fetched = await stripe.paymentIntents.retrieve(created.id);
    expect(fetched.object).toBe('payment_intent');
    expect(fetched.id).toBe(created.id);
  });
});
