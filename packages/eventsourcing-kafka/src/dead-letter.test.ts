import { describe, expect, it } from 'vitest';
import { jsonTestSerde } from '../test/json-test-serde.ts';
import { DEAD_LETTER_RECORD, deadLetterId, deadLetterRecord, readDeadLetter } from './dead-letter.ts';

const source = {
  topic: 'p1.orders.commands',
  partition: 2,
  offset: '41',
  key: Buffer.from('order-1'),
  value: Buffer.from([0x00, 0xff, 0x13]),
  headers: { traceparent: Buffer.from('00-abc-01'), multi: ['a', Buffer.from('b')] },
};

describe('dead letters', () => {
  it('encode as a DeadLetter record keyed by the source key, with dlq.* headers, and read back the same', async () => {
    const { topic, message } = await deadLetterRecord(
      jsonTestSerde,
      'p1.commerce.dlq',
      source,
      new TypeError('bad'),
      'p1.order',
      1_700_000_000_000,
    );
    expect(topic).toBe('p1.commerce.dlq');
    expect(message.key).toEqual(Buffer.from('order-1'));
    expect(message.headers).toMatchObject({
      'dlq.source.topic': 'p1.orders.commands',
      'dlq.source.partition': '2',
      'dlq.source.offset': '41',
      'dlq.error': 'TypeError: bad',
      'dlq.group': 'p1.order',
    });
    expect((await jsonTestSerde.decode(message.value as Buffer)).type).toBe(DEAD_LETTER_RECORD);
    const read = await readDeadLetter(jsonTestSerde, { value: message.value as Buffer, headers: message.headers });
    expect(read.deadLetter).toEqual({
      sourceTopic: 'p1.orders.commands',
      sourcePartition: 2,
      sourceOffset: 41,
      key: Buffer.from('order-1'),
      value: Buffer.from([0x00, 0xff, 0x13]),
      headers: { traceparent: '00-abc-01', multi: 'b' },
      consumerGroup: 'p1.order',
      error: 'TypeError: bad',
      failedAt: 1_700_000_000_000,
    });
    expect(read.id).toMatch(/^[0-9a-f]{16}$/);
    expect(message.headers?.['dlq.id']).toBe(read.id);
  });

  it('gives the same failure the same id whenever it is written, and another group or offset another id', async () => {
    const first = await deadLetterRecord(jsonTestSerde, 'dlq', source, 'x', 'g', 1);
    const again = await deadLetterRecord(jsonTestSerde, 'dlq', source, 'y', 'g', 2);
    const id = async (r: typeof first) => (await readDeadLetter(jsonTestSerde, r.message as { value: Buffer })).id;
    expect(await id(first)).toBe(await id(again));
    const coordinates = { consumerGroup: 'g', sourceTopic: source.topic, sourcePartition: 2, sourceOffset: 41 };
    expect(await id(first)).toBe(deadLetterId(coordinates));
    expect(deadLetterId({ ...coordinates, consumerGroup: 'h' })).not.toBe(deadLetterId(coordinates));
    expect(deadLetterId({ ...coordinates, sourceOffset: 42 })).not.toBe(deadLetterId(coordinates));
  });

  it('reads an older raw DLQ copy (original bytes plus dlq.* headers) from its headers', async () => {
    const read = await readDeadLetter(jsonTestSerde, {
      key: Buffer.from('k'),
      value: Buffer.from('garbage'),
      timestamp: '1700000000000',
      headers: {
        'dlq.source.topic': 't',
        'dlq.source.partition': '0',
        'dlq.source.offset': '7',
        'dlq.error': 'Error: nope',
        'dlq.service': 'svc',
        traceparent: 'tp',
      },
    });
    expect(read.deadLetter).toMatchObject({
      sourceTopic: 't',
      sourceOffset: 7,
      consumerGroup: 'svc',
      value: Buffer.from('garbage'),
      headers: { traceparent: 'tp' },
      failedAt: 1_700_000_000_000,
    });
  });

  it('refuses a record that is no dead letter, saying why', async () => {
    await expect(readDeadLetter(jsonTestSerde, { value: Buffer.from('garbage'), headers: {} })).rejects.toThrow(
      /not a dead letter: Error: not a JSON test record/,
    );
    const other = jsonTestSerde.encodeSync('test.Other', {});
    await expect(readDeadLetter(jsonTestSerde, { value: other, headers: {} })).rejects.toThrow(/a test.Other record/);
  });
});
