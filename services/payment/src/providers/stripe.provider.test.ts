import { deterministicId } from '@streamshop/eventsourcing-kafka';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeEventToCommand } from './stripe.provider.ts';

const NOW = 1_790_000_000_000;
const METADATA = { paymentId: 'pay-1', orderId: 'order-1' };

function intent(fields: Partial<Stripe.PaymentIntent> = {}): Stripe.PaymentIntent {
  return {
    id: 'pi_123',
    object: 'payment_intent',
    amount: 4599,
    amount_capturable: 0,
    amount_received: 0,
    currency: 'eur',
    metadata: METADATA,
    status: 'requires_payment_method',
    last_payment_error: null,
    ...fields,
  } as Stripe.PaymentIntent;
}

function event(type: Stripe.Event['type'], object: unknown, id = 'evt_1'): Stripe.Event {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: 1_790_000_000,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}

describe('stripeEventToCommand', () => {
  it('records payment_intent.succeeded as captured, for the payment and order named in the metadata', () => {
    const command = stripeEventToCommand(
      event('payment_intent.succeeded', intent({ status: 'succeeded', amount_received: 4599 })),
      NOW,
    );
    expect(command).toEqual({
      commandId: deterministicId('stripe-webhook', 'evt_1'),
      aggregateId: 'pay-1',
      idempotencyKey: null,
      issuedAt: NOW,
      correlationId: 'order-1',
      causationId: null,
      actorId: null,
      providerEventId: 'evt_1',
      kind: 'captured',
      providerReference: 'pi_123',
      amount: { amount: 4599, currency: 'EUR' },
      failureReason: null,
    });
  });

  it('takes the amount received (minor units, upper-case currency), not the amount asked', () => {
    const command = stripeEventToCommand(
      event('payment_intent.succeeded', intent({ amount: 5000, amount_received: 4000, currency: 'jpy' })),
      NOW,
    );
    expect(command?.amount).toEqual({ amount: 4000, currency: 'JPY' });
  });

  it('gives the same command id for the same event delivered twice, another for another event', () => {
    const a = stripeEventToCommand(event('payment_intent.succeeded', intent(), 'evt_A'), NOW);
    const again = stripeEventToCommand(event('payment_intent.succeeded', intent(), 'evt_A'), NOW + 5000);
    const b = stripeEventToCommand(event('payment_intent.succeeded', intent(), 'evt_B'), NOW);
    expect(again?.commandId).toBe(a?.commandId);
    expect(b?.commandId).not.toBe(a?.commandId);
  });

  it('records payment_failed as failed with the decline code, else the error code', () => {
    const declined = stripeEventToCommand(
      event(
        'payment_intent.payment_failed',
        intent({
          last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' },
        } as Partial<Stripe.PaymentIntent>),
      ),
      NOW,
    );
    expect(declined).toMatchObject({ kind: 'failed', failureReason: 'insufficient_funds', amount: null });
    const expired = stripeEventToCommand(
      event(
        'payment_intent.payment_failed',
        intent({ last_payment_error: { type: 'card_error', code: 'expired_card' } } as Partial<Stripe.PaymentIntent>),
      ),
      NOW,
    );
    expect(expired?.failureReason).toBe('expired_card');
    const bare = stripeEventToCommand(event('payment_intent.payment_failed', intent()), NOW);
    expect(bare?.failureReason).toBe('payment_failed');
  });

  it('records a cancelled intent as failed, an amount made capturable as authorized', () => {
    expect(stripeEventToCommand(event('payment_intent.canceled', intent({ status: 'canceled' })), NOW)).toMatchObject({
      kind: 'failed',
      failureReason: 'payment_canceled',
    });
    expect(
      stripeEventToCommand(event('payment_intent.amount_capturable_updated', intent({ amount_capturable: 4599 })), NOW),
    ).toMatchObject({ kind: 'authorized', amount: { amount: 4599, currency: 'EUR' } });
  });

  it('records a succeeded refund once, by refund id, whichever of refund.created / refund.updated reports it', () => {
    const refund = {
      id: 're_9',
      object: 'refund',
      amount: 1000,
      currency: 'eur',
      status: 'succeeded',
      payment_intent: 'pi_123',
      metadata: METADATA,
    };
    const created = stripeEventToCommand(event('refund.created', refund, 'evt_c'), NOW);
    const updated = stripeEventToCommand(event('refund.updated', refund, 'evt_u'), NOW);
    expect(created).toMatchObject({
      kind: 'refunded',
      providerEventId: 're_9',
      providerReference: 'pi_123',
      amount: { amount: 1000, currency: 'EUR' },
      aggregateId: 'pay-1',
    });
    expect(updated?.commandId).toBe(created?.commandId);
    expect(stripeEventToCommand(event('refund.created', { ...refund, status: 'pending' }), NOW)).toBeNull();
  });

  it('ignores other event types and intents that are not ours', () => {
    expect(stripeEventToCommand(event('payment_intent.created', intent()), NOW)).toBeNull();
    expect(stripeEventToCommand(event('charge.succeeded', { id: 'ch_1', object: 'charge' }), NOW)).toBeNull();
    expect(stripeEventToCommand(event('customer.created', { id: 'cus_1', object: 'customer' }), NOW)).toBeNull();
    expect(stripeEventToCommand(event('payment_intent.succeeded', intent({ metadata: {} })), NOW)).toBeNull();
  });

  it('uses the payment id as correlation id when the intent names no order', () => {
    const command = stripeEventToCommand(
      event('payment_intent.succeeded', intent({ metadata: { paymentId: 'p' } })),
      NOW,
    );
    expect(command).toMatchObject({ aggregateId: 'p', correlationId: 'p' });
  });
});
