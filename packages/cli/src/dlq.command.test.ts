import type { DeadLetterEntry } from '@streamshop/projections/operator/dead-letters';
import { describe, expect, it } from 'vitest';
import { entryJson, entryTable } from './dlq.command.ts';

const entry = (id: string, resolution: DeadLetterEntry['resolution'] = null): DeadLetterEntry => ({
  id,
  deadLetter: {
    sourceTopic: 'orders.commands',
    sourcePartition: 2,
    sourceOffset: 41,
    key: Buffer.from('order-1'),
    value: Buffer.from([0, 1]),
    headers: {},
    consumerGroup: 'order',
    error: `SerdeError: Not a Confluent-framed Avro record\n${'x'.repeat(200)}`,
    failedAt: Date.parse('2025-06-01T12:00:00.123Z'),
  },
  dlq: { partition: 0, offset: '3' },
  copies: 1,
  recordType: id === 'b' ? 'streamshop.orders.PlaceOrder' : null,
  resolution,
});

describe('dlq list output', () => {
  it('a table with aligned columns, short record types, errors on one shortened line', () => {
    const table = entryTable([entry('a'), entry('b')], false).split('\n');
    expect(table[0]).toMatch(/^ID\s+FAILED AT\s+GROUP\s+SOURCE\s+TYPE\s+ERROR$/);
    // Columns line up: each row's type starts where the TYPE heading does.
    expect(table[1]!.indexOf(' - ') + 1).toBe(table[0]!.indexOf('TYPE'));
    expect(table[2]!.indexOf('PlaceOrder')).toBe(table[0]!.indexOf('TYPE'));
    expect(table[1]).toMatch(/^a {3}2025-06-01T12:00:00Z {2}order {2}orders\.commands\/2@41 +- +SerdeError: Not a/);
    expect(table[2]).toContain('PlaceOrder');
    expect(table[1]!.endsWith('…')).toBe(true);
    expect(table[1]).not.toContain('\n');
  });

  it('--all adds what was done', () => {
    const dropped = entry('a', { _id: 'a', action: 'dropped', reason: 'test data', at: 0, by: 'ann' });
    const [, row] = entryTable([dropped], true).split('\n');
    expect(row).toMatch(/dropped at 1970-01-01T00:00:00\.000Z by ann \(test data\)$/);
  });

  it('--json carries bytes as base64 and the key as text', () => {
    expect(entryJson(entry('a'))).toMatchObject({
      id: 'a',
      failedAt: '2025-06-01T12:00:00.123Z',
      source: { topic: 'orders.commands', partition: 2, offset: 41 },
      key: 'order-1',
      valueBase64: 'AAE=',
      resolution: null,
    });
  });
});
