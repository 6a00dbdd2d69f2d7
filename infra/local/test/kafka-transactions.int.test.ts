/**
 * Kafka transactions as the write side relies on them: records and consumer offsets committed together
 * (`sendOffsets`), a committed transaction visible to a read_committed consumer, an aborted one never.
 */
import { createNamespace, eventually } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ns = createNamespace(import.meta.url);
let input: string;
let output: string;

beforeAll(async () => {
  [input, output] = (await ns.createTopics([{ name: 'in' }, { name: 'out' }])) as [string, string];
});
afterAll(() => ns.cleanup());

describe('kafka transactions', () => {
  it('shows committed records to read_committed consumers and hides aborted ones', async () => {
    const groupId = `${ns.id}-processor`;
    const plain = ns.kafka.producer();
    await plain.connect();
    await plain.send({ topic: input, messages: [{ key: 'k', value: 'cmd-1' }] });
    await plain.disconnect();

    const tx = ns.kafka.producer({ transactionalId: `${ns.id}-tx`, idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();

    // Committed: an output record plus the input offset, atomically.
    const committed = await tx.transaction();
    await committed.send({ topic: output, messages: [{ key: 'k', value: 'committed' }] });
    await committed.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }],
    });
    await committed.commit();

    // Aborted: neither its record nor its offset may be seen.
    const aborted = await tx.transaction();
    await aborted.send({ topic: output, messages: [{ key: 'k', value: 'aborted' }] });
    await aborted.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '99' }] }],
    });
    await aborted.abort();

    // A marker after the abort, so the reader knows it has seen everything.
    const last = await tx.transaction();
    await last.send({ topic: output, messages: [{ key: 'k', value: 'end' }] });
    await last.commit();
    await tx.disconnect();

    const seen: string[] = [];
    const reader = ns.kafka.consumer({ groupId: `${ns.id}-reader`, readUncommitted: false });
    await reader.connect();
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await eventually(() => seen.includes('end'), { message: 'the marker record arrives' });
    await reader.disconnect();
    expect(seen).toEqual(['committed', 'end']);

    const admin = await ns.admin();
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(offsets[0]?.partitions[0]?.offset).toBe('1');
  });
});
