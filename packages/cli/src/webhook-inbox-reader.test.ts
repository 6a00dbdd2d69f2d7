import type { WebhookReceived } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { foldInbox, type InboxRecord } from './webhook-inbox-reader.ts';
import { entryTable } from './webhooks.command.ts';

const received = (providerEventId: string, receivedAt: number, extra: Partial<WebhookReceived> = {}) => ({
  provider: 'stripe' as const,
  providerEventId,
  eventType: 'payment_intent.succeeded',
  receivedAt,
  headers: {},
  body: Buffer.from('{}'),
  verification: 'Stripe-Signature v1',
  command: { type: 'streamshop.payments.RecordProviderEvent', commandId: 'c-1', aggregateId: 'pay-1' },
  ...extra,
});
const at = (offset: number, r: WebhookReceived, partition = 0): InboxRecord => ({
  partition,
  offset: String(offset),
  received: r,
});

describe('the webhook inbox as listed', () => {
  it('folds redeliveries of one provider event into its first copy, oldest first', () => {
    const entries = foldInbox([
      at(0, received('evt_b', 2_000)),
      at(1, received('evt_a', 3_000)),
      at(2, received('evt_b', 2_500)),
      at(0, received('evt_a', 1_000), 1),
    ]);
    expect(entries.map((e) => [e.received.providerEventId, e.received.receivedAt, e.copies])).toEqual([
      ['evt_a', 1_000, 2],
      ['evt_b', 2_000, 2],
    ]);
    expect(entries[0]).toMatchObject({ partition: 1, offset: '0' });
  });

  it('keeps the same event id of two providers apart, and filters by time, provider, type and id', () => {
    const records = [
      at(0, received('evt_1', 1_000)),
      at(1, received('evt_1', 1_500, { provider: 'paypal', eventType: 'PAYMENT.CAPTURE.COMPLETED' })),
      at(2, received('evt_2', 2_000, { eventType: 'payment_intent.payment_failed', command: null })),
    ];
    expect(foldInbox(records)).toHaveLength(3);
    expect(foldInbox(records, { since: 1_500 }).map((e) => e.received.receivedAt)).toEqual([1_500, 2_000]);
    expect(foldInbox(records, { until: 1_500 }).map((e) => e.received.receivedAt)).toEqual([1_000]);
    expect(foldInbox(records, { provider: 'paypal' })).toHaveLength(1);
    expect(foldInbox(records, { eventType: 'payment_intent.payment_failed' })[0]!.received.command).toBeNull();
    expect(foldInbox(records, { providerEventId: 'evt_1', provider: 'stripe' })).toHaveLength(1);
  });

  it('prints a table with what each became, "ignored" when nothing', () => {
    const table = entryTable(
      foldInbox([at(0, received('evt_1', 0)), at(1, received('evt_2', 1, { command: null }))]),
    ).split('\n');
    expect(table[0]).toMatch(/^RECEIVED AT\s+PROVIDER\s+EVENT ID\s+TYPE\s+BECAME\s+COPIES$/);
    expect(table[1]).toMatch(
      /^1970-01-01T00:00:00Z\s+stripe\s+evt_1\s+payment_intent\.succeeded\s+RecordProviderEvent → pay-1\s+1$/,
    );
    expect(table[2]).toMatch(/evt_2\s+payment_intent\.succeeded\s+ignored\s+1$/);
  });
});
