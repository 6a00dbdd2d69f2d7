import { deadLetterId, deadLetterRecord } from '@streamshop/eventsourcing-kafka';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseSince, parseTopic, resolveRecordName, tailLine, toJson } from './events.command.ts';

describe('streamshop events tail arguments', () => {
  it('takes catalog topic names and names the valid ones otherwise', () => {
    expect(parseTopic('orders.events')).toBe('orders.events');
    expect(() => parseTopic('orders')).toThrow(InvalidArgumentError);
    expect(() => parseTopic('orders')).toThrow(
      /unknown topic orders; the catalog has catalog.commands, .*commerce.dlq/,
    );
  });

  it('--since takes a duration ago or an ISO time', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseSince('10m', now)).toBe(now - 600_000);
    expect(parseSince('2h', now)).toBe(now - 7_200_000);
    expect(parseSince('1d', now)).toBe(now - 86_400_000);
    expect(parseSince('30s', now)).toBe(now - 30_000);
    expect(parseSince('2025-05-31T00:00:00Z', now)).toBe(Date.parse('2025-05-31T00:00:00Z'));
    expect(() => parseSince('yesterday', now)).toThrow(/ISO time .* or a duration/);
    expect(() => parseSince('10', now)).toThrow(InvalidArgumentError);
  });

  it('--type takes short or full record names among the topic’s records', () => {
    const known = ['streamshop.orders.OrderPlaced', 'streamshop.orders.OrderShipped'];
    expect(resolveRecordName('OrderShipped', known)).toBe('streamshop.orders.OrderShipped');
    expect(resolveRecordName('streamshop.orders.OrderPlaced', known)).toBe('streamshop.orders.OrderPlaced');
    expect(() => resolveRecordName('Shipped', known)).toThrow(
      'unknown record Shipped; choose from OrderPlaced, OrderShipped',
    );
    expect(() => resolveRecordName('X', ['a.X', 'b.X'])).toThrow(/ambiguous: a.X, b.X/);
    expect(resolveRecordName('DeadLetter')).toBe('streamshop.commerce.DeadLetter');
  });
});

describe('toJson', () => {
  it('turns bytes into base64 and longs into numbers (strings past 2^53), recursively', () => {
    expect(
      toJson({
        key: Buffer.from('hi'),
        nested: [{ n: 5n, big: 2n ** 60n }],
        headers: new Map([['a', Buffer.from([0xff])]]),
        none: null,
        text: 'x',
      }),
    ).toEqual({
      key: 'aGk=',
      nested: [{ n: 5, big: '1152921504606846976' }],
      headers: { a: '/w==' },
      none: null,
      text: 'x',
    });
  });
});

describe('tailLine', () => {
  // A stand-in for the Avro serde: JSON `{type, value}` records, anything else undecodable.
  const serde = {
    encode: async (_topic: string, type: string, value: unknown) => Buffer.from(JSON.stringify({ type, value })),
    decode: async (buffer: Buffer) => {
      if (buffer[0] !== 0x7b) throw new Error('Not a record');
      return JSON.parse(buffer.toString()) as { type: string; value: unknown };
    },
  };
  const message = (value: Buffer | null) => ({
    key: Buffer.from('k-1'),
    value,
    offset: '7',
    timestamp: String(Date.parse('2025-06-01T12:00:00Z')),
    headers: { 'dlq.replayed-from': Buffer.from('abc') },
  });

  it('prints topic, key, partition, offset, ISO timestamp, type, payload and headers', async () => {
    const value = await serde.encode('t', 'streamshop.orders.OrderShipped', { aggregateId: 'o-1' });
    expect(await tailLine(serde, 't', 2, message(value))).toEqual({
      topic: 't',
      key: 'k-1',
      partition: 2,
      offset: '7',
      timestamp: '2025-06-01T12:00:00.000Z',
      type: 'streamshop.orders.OrderShipped',
      payload: { aggregateId: 'o-1' },
      headers: { 'dlq.replayed-from': 'abc' },
    });
  });

  it('an undecodable record becomes a line with the error and its bytes', async () => {
    const line = await tailLine(serde, 't', 0, message(Buffer.from('poison')));
    expect(line).toMatchObject({ type: null, payload: null, error: 'Not a record', valueBase64: 'cG9pc29u' });
  });

  it('a dead letter carries its id and the decoded record inside it', async () => {
    const inner = await serde.encode('t', 'streamshop.orders.PlaceOrder', { aggregateId: 'o-2' });
    const { message: dead } = await deadLetterRecord(
      serde,
      'commerce.dlq',
      { topic: 'orders.commands', partition: 1, offset: '3', key: Buffer.from('o-2'), value: inner },
      new Error('boom'),
      'order',
    );
    const line = await tailLine(serde, 'commerce.dlq', 0, { ...message(dead.value as Buffer), headers: {} });
    expect(line).toMatchObject({
      type: 'streamshop.commerce.DeadLetter',
      dlqId: deadLetterId({
        consumerGroup: 'order',
        sourceTopic: 'orders.commands',
        sourcePartition: 1,
        sourceOffset: 3,
      }),
      inner: { type: 'streamshop.orders.PlaceOrder', payload: { aggregateId: 'o-2' } },
    });
  });

  it('prints snapshot values (the runtime’s JSON) as JSON with no type', async () => {
    const line = await tailLine(serde, 's', 0, message(Buffer.from('{"version":3}')), { rawJson: true });
    expect(line).toMatchObject({ type: null, payload: { version: 3 } });
    expect(line.error).toBeUndefined();
  });
});
