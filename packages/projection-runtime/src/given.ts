/**
 * Given/when/then for projections, like the deciders' helper: `given(definition, ...events).then(id)` folds the
 * events purely (the same `foldBatch` the runtime uses, version guard included) and returns the document as
 * queries would see it, or the errors that would send an event to the DLQ.
 */
import type { TopicName } from '@streamshop/schemas/topics';
import { type ProjectedEvent, type ProjectionDefinition, publicFields, type ReadModelDocument } from './definition.ts';
import { foldBatch, type StoredDocument } from './fold.ts';

let offset = 0;

/** An event as the runtime hands it to a projection, with envelope defaults for tests. */
export function projected<V extends object>(
  topic: TopicName,
  type: string,
  value: V,
  meta: { aggregateId: string; version: number; at?: number; correlationId?: string },
): ProjectedEvent {
  offset++;
  return {
    topic,
    type,
    value: value as unknown as Record<string, unknown>,
    meta: {
      eventId: `event-${offset}`,
      aggregateId: meta.aggregateId,
      aggregateVersion: meta.version,
      occurredAt: meta.at ?? 1_700_000_000_000 + offset,
      correlationId: meta.correlationId ?? meta.aggregateId,
      causationId: `command-${offset}`,
    },
    partition: 0,
    offset: String(offset),
    timestamp: meta.at ?? 1_700_000_000_000 + offset,
  };
}

export function given<D extends ReadModelDocument>(definition: ProjectionDefinition<D>, ...events: ProjectedEvent[]) {
  const result = foldBatch(definition, [] as StoredDocument<D>[], events);
  const docs = new Map<string, StoredDocument<D>>();
  for (const [id, doc] of result.touched) docs.set(id, doc);
  return {
    /** The document with this id as queries see it (no internal fields), or undefined. */
    doc(id: string): Omit<D, '_v' | '_rev'> | undefined {
      const d = docs.get(id);
      return d ? publicFields(d) : undefined;
    },
    /** Messages of the events that could not be applied (they would go to the DLQ). */
    failures: result.failures.map((f) => f.error.message),
    applied: result.applied,
    skipped: result.skipped,
  };
}
