import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseSince, parseTopic, resolveRecordName, toJson } from './events.command.ts';

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
