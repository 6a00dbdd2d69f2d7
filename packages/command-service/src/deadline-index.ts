/**
 * The pending deadlines a scheduler knows of, per input partition, folded from an events topic: an event sets a
 * deadline (a payment requested, stock reserved) or clears it (paid, cancelled, released…). Pure and in memory;
 * the Kafka side lives in `deadline-scheduler.ts`. Keys are unique per deadline (e.g. the order id), so folding
 * the same events twice gives the same index: replaying a partition after a rebalance is harmless.
 */

export interface Deadline<T> {
  key: string;
  /** Epoch ms at which the deadline is due. */
  due: number;
  item: T;
}

/** What one event does to the deadlines of its partition. */
export interface DeadlineChange<T> {
  set?: Deadline<T>[];
  clear?: string[];
}

interface Entry<T> extends Deadline<T> {
  /** Not fired again before this time (ms): a fired deadline waits for its settling event, then is retried. */
  quietUntil: number;
}

export class DeadlineIndex<T> {
  private readonly partitions = new Map<number, Map<string, Entry<T>>>();

  apply(partition: number, change: DeadlineChange<T>): void {
    let entries = this.partitions.get(partition);
    if (!entries) {
      entries = new Map();
      this.partitions.set(partition, entries);
    }
    for (const key of change.clear ?? []) entries.delete(key);
    for (const d of change.set ?? []) entries.set(d.key, { ...d, quietUntil: 0 });
  }

  /** Forgets the partitions not in `owned` (revoked in a rebalance: another instance fires them now). */
  retain(owned: ReadonlySet<number>): void {
    for (const p of [...this.partitions.keys()]) if (!owned.has(p)) this.partitions.delete(p);
  }

  /** Deadlines due at `now` and not fired within the last `retryAfterMs`; marks them fired. */
  takeDue(now: number, retryAfterMs: number): Deadline<T>[] {
    const due: Deadline<T>[] = [];
    for (const entries of this.partitions.values()) {
      for (const e of entries.values()) {
        if (e.due <= now && e.quietUntil <= now) {
          e.quietUntil = now + retryAfterMs;
          due.push({ key: e.key, due: e.due, item: e.item });
        }
      }
    }
    return due;
  }

  get size(): number {
    let n = 0;
    for (const entries of this.partitions.values()) n += entries.size;
    return n;
  }
}
