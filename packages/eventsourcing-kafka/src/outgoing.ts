/**
 * Records a runtime produces besides its own events and replies: follow-up commands (encoded by the runtime's
 * serde) or records the caller already encoded. Shared by the command processor's `react` hook and the reactor.
 * (Dead letters have their own module, `dead-letter.ts`.)
 */
import type { IHeaders, Message, Transaction } from 'kafkajs';
import type { Serde } from './serde.ts';

export type OutgoingRecord =
  | { topic: string; key: string; type: string; value: unknown; headers?: IHeaders }
  | { topic: string; key: string | Buffer | null; encoded: Buffer; headers?: IHeaders; partition?: number };

export async function encodeOutgoing(
  serde: Serde,
  record: OutgoingRecord,
): Promise<{ topic: string; message: Message }> {
  if ('encoded' in record) {
    const message: Message = { key: record.key, value: record.encoded };
    if (record.headers) message.headers = record.headers;
    if (record.partition !== undefined) message.partition = record.partition;
    return { topic: record.topic, message };
  }
  const value = await serde.encode(record.topic, record.type, record.value);
  const message: Message = { key: record.key, value };
  if (record.headers) message.headers = record.headers;
  return { topic: record.topic, message };
}

/** Sends messages grouped by topic in one request (order within a topic is kept). */
export async function sendGrouped(transaction: Transaction, records: { topic: string; message: Message }[]) {
  if (records.length === 0) return [];
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of records) {
    const list = byTopic.get(topic) ?? [];
    list.push(message);
    byTopic.set(topic, list);
  }
  return transaction.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}
