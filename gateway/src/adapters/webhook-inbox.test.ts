import { describe, expect, it } from 'vitest';
import { inboxHeaders, parseWebhookBody, replayCommand, webhookCommand, webhookReceived } from './webhook-inbox.ts';

const stripeBody = Buffer.from(
  JSON.stringify({
    id: 'evt_1',
    object: 'event',
    type: 'payment_intent.succeeded',
    data: {
      object: {
        id: 'pi_1',
        object: 'payment_intent',
        amount: 2500,
        amount_received: 2500,
        currency: 'eur',
        metadata: { paymentId: 'pay-1', orderId: 'order-1' },
      },
    },
  }),
);

describe('webhook inbox', () => {
  it('keeps the headers verification and audit need, never credentials or cookies', () => {
    const kept = inboxHeaders('stripe', {
      'Stripe-Signature': 't=1,v1=abc',
      'content-type': 'application/json',
      'user-agent': 'Stripe/1.0',
      authorization: 'Bearer secret',
      cookie: 'session=secret',
      'x-forwarded-for': '10.0.0.1',
      'svix-signature': 'not a stripe header',
    });
    expect(kept).toEqual({
      'stripe-signature': 't=1,v1=abc',
      'content-type': 'application/json',
      'user-agent': 'Stripe/1.0',
    });
  });

  it('a kept webhook re-maps to the command it became, with the same command id whenever it is replayed', () => {
    const headers = { 'stripe-signature': 't=1,v1=abc' };
    const verified = parseWebhookBody('stripe', stripeBody, headers);
    expect(verified).toMatchObject({ id: 'evt_1', type: 'payment_intent.succeeded' });
    const command = webhookCommand('stripe', verified.event, headers, 1_000)!;
    const entry = webhookReceived('stripe', { verified, body: stripeBody, headers, receivedAt: 1_000 }, command);
    expect(entry).toMatchObject({
      provider: 'stripe',
      providerEventId: 'evt_1',
      eventType: 'payment_intent.succeeded',
      body: stripeBody,
      command: { type: 'streamshop.payments.RecordProviderEvent', aggregateId: 'pay-1' },
    });
    const replayed = replayCommand(entry, 9_000)!;
    expect(replayed.value.commandId).toBe(entry.command!.commandId);
    expect(replayed.value).toMatchObject({ providerEventId: 'evt_1', kind: 'captured', issuedAt: 9_000 });
  });

  it('an event that is not ours is kept with no command', () => {
    const body = Buffer.from(JSON.stringify({ id: 'evt_2', type: 'customer.created', data: { object: {} } }));
    const verified = parseWebhookBody('stripe', body, {});
    const entry = webhookReceived('stripe', { verified, body, headers: {}, receivedAt: 1 }, null);
    expect(entry.command).toBeNull();
    expect(replayCommand(entry, 2)).toBeNull();
  });

  it('a Clerk delivery is identified by its Svix id and re-maps from its kept headers', () => {
    const headers = { 'svix-id': 'msg_1', 'svix-timestamp': '1700000000', 'svix-signature': 'v1,x' };
    const body = Buffer.from(JSON.stringify({ type: 'user.updated', data: { id: 'user_1', first_name: 'Ann' } }));
    const verified = parseWebhookBody('clerk', body, headers);
    expect(verified).toMatchObject({ id: 'msg_1', type: 'user.updated' });
    const entry = webhookReceived(
      'clerk',
      { verified, body, headers, receivedAt: 5 },
      webhookCommand('clerk', verified.event, headers, 5),
    );
    expect(replayCommand(entry, 6)).toMatchObject({
      type: 'streamshop.users.RecordClerkUserEvent',
      value: { aggregateId: 'user_1', svixId: 'msg_1', sentAt: 1_700_000_000_000, name: 'Ann' },
    });
  });
});
