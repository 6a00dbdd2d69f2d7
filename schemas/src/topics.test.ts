import { describe, expect, expectTypeOf, it } from 'vitest';
import { recordNames } from './generated/types.ts';
import { CONTEXTS } from './schema-set.ts';
import { describeTopics, logicalTopic, type RecordsOn, TOPICS, topicName, topicSpec } from './topics.ts';

describe('topic catalog', () => {
  it('co-partitions each context: commands, events and snapshots have the same partition count', () => {
    for (const ctx of CONTEXTS) {
      const counts = (['commands', 'events', 'snapshots'] as const).map((k) => topicSpec(`${ctx}.${k}`).partitions);
      expect(new Set(counts).size, ctx).toBe(1);
      expect(topicSpec(`${ctx}.commands`).key).toBe(topicSpec(`${ctx}.events`).key);
    }
  });

  it('keeps partition counts small enough for a two-core machine', () => {
    for (const t of TOPICS) {
      expect(t.partitions).toBeGreaterThanOrEqual(1);
      expect(t.partitions).toBeLessThanOrEqual(6);
    }
  });

  it('has the names of the contract, once each', () => {
    const names = TOPICS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'orders.commands',
        'orders.events',
        'orders.snapshots',
        'commerce.command-replies',
        'commerce.dlq',
        'commerce.webhooks',
      ]),
    );
    expect(names).toHaveLength(CONTEXTS.length * 3 + 3);
  });

  it('keeps events forever, compacts snapshots', () => {
    for (const ctx of CONTEXTS) {
      expect(topicSpec(`${ctx}.events`).config).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '-1' });
      expect(topicSpec(`${ctx}.snapshots`).config['cleanup.policy']).toBe('compact');
    }
  });

  it('keeps the webhook inbox long after the commands it became, keyed by provider event id', () => {
    const inbox = topicSpec('commerce.webhooks');
    expect(inbox.records).toEqual([recordNames.webhookReceived]);
    expect(inbox.key).toBe('provider event id');
    expect(inbox.config['cleanup.policy']).toBe('delete');
    const retention = Number(inbox.config['retention.ms']);
    const commands = Number(topicSpec('payments.commands').config['retention.ms']);
    expect(retention).toBeGreaterThanOrEqual(365 * 24 * 60 * 60 * 1000);
    expect(retention).toBeGreaterThan(commands);
    expectTypeOf<'streamshop.commerce.WebhookReceived'>().toExtend<RecordsOn<'commerce.webhooks'>>();
  });

  it('routes every command and event record to its context topic', () => {
    expect(topicSpec('orders.commands').records).toContain('streamshop.orders.PlaceOrder');
    expect(topicSpec('orders.events').records).toContain('streamshop.orders.OrderPlaced');
    expect(topicSpec('commerce.command-replies').records).toEqual([recordNames.reply]);
    const carried = TOPICS.flatMap((t) => t.records);
    expect(new Set(carried).size).toBe(carried.length);
    expectTypeOf<'streamshop.orders.PlaceOrder'>().toExtend<RecordsOn<'orders.commands'>>();
    expectTypeOf<'streamshop.orders.OrderPlaced'>().not.toExtend<RecordsOn<'orders.commands'>>();
  });

  it('applies a prefix, with or without a trailing dot, and maps it back', () => {
    expect(topicName('orders.events', 't1a2b')).toBe('t1a2b.orders.events');
    expect(topicName('orders.events', 't1a2b.')).toBe('t1a2b.orders.events');
    expect(topicName('orders.events')).toBe('orders.events');
    expect(logicalTopic('t1a2b.orders.events', 't1a2b')).toBe('orders.events');
    expect(logicalTopic('orders.events', 't1a2b')).toBeUndefined();
    expect(describeTopics({ prefix: 'x' }).every((t) => t.topic === `x.${t.name}`)).toBe(true);
  });
});
