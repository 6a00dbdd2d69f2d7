/** Where a consumer group stands against the end of its topics: the numbers behind status, progress and switches. */
import { topicOffsets } from '@streamshop/eventsourcing-kafka';
import type { Admin } from 'kafkajs';
import type { Offsets } from './control.ts';

export type PartitionOffsets = Map<string, bigint>;

const tp = (topic: string, partition: number) => `${topic}:${partition}`;

/** High watermarks (next offset to be written) per `topic:partition`. */
export async function endOffsets(admin: Admin, topics: readonly string[]): Promise<PartitionOffsets> {
  const out: PartitionOffsets = new Map();
  for (const topic of topics) {
    for (const p of await topicOffsets(admin, topic)) out.set(tp(topic, p.partition), BigInt(p.high));
  }
  return out;
}

/** The group's committed offsets per `topic:partition` (0 where it has committed nothing). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionOffsets> {
  const out: PartitionOffsets = new Map();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const p of partitions) out.set(tp(topic, p.partition), BigInt(p.offset) < 0n ? 0n : BigInt(p.offset));
  }
  return out;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  position: bigint;
  end: bigint;
  lag: bigint;
}

export function lagOf(
  end: PartitionOffsets,
  position: PartitionOffsets,
): { total: bigint; partitions: PartitionLag[] } {
  const partitions: PartitionLag[] = [];
  let total = 0n;
  for (const [key, high] of end) {
    const at = position.get(key) ?? 0n;
    const lag = high > at ? high - at : 0n;
    total += lag;
    const i = key.lastIndexOf(':');
    partitions.push({ topic: key.slice(0, i), partition: Number(key.slice(i + 1)), position: at, end: high, lag });
  }
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { total, partitions };
}

/** Whether `position` has reached `target` on every partition of `target`. */
export function reached(position: PartitionOffsets, target: PartitionOffsets): boolean {
  for (const [key, want] of target) if ((position.get(key) ?? 0n) < want) return false;
  return true;
}

/** The larger of two offsets per partition. */
export function maxOffsets(a: PartitionOffsets, b: PartitionOffsets): PartitionOffsets {
  const out = new Map(a);
  for (const [k, v] of b) if ((out.get(k) ?? -1n) < v) out.set(k, v);
  return out;
}

export function toDocument(offsets: PartitionOffsets): Offsets {
  return [...offsets].map(([key, offset]) => {
    const i = key.lastIndexOf(':');
    return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)), offset: offset.toString() };
  });
}

export function fromDocument(doc: Offsets): PartitionOffsets {
  return new Map(doc.map(({ topic, partition, offset }) => [tp(topic, partition), BigInt(offset)]));
}
