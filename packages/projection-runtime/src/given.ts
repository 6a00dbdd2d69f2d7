/**
 * Given/when/then for projections, like the deciders' helper: `given(definition, ...events).then(id)` folds the
 * events purely (the same `foldBatch` the runtime uses, version guard included) and returns the document as
 * queries would see it, or the errors that would send an event to the DLQ.
 */
import type { TopicName } from '@streamshop/schemas/topics';
import { type ProjectedEvent, type ProjectionDefinition, publicFields, type ReadModelDocument } from './definition.ts';
import { foldBatch, type StoredDocument } from './fold.ts';

let offset = 0;

/**
 * An event as the runtime hands it to a projection, with envelope defaults for tests. As the runtime's mapping
 * does, an `actorId` in `value` is envelope: it goes to `meta`. Like a decoded record's, `type` is trusted to name
 * the shape of `value` (tests leave out what a fold does not read); the serde's schemas vouch for decoded ones.
 */
export function projected(
  topic: TopicName,
  type: string,
  value: object,
  meta: { aggregateId: string; version: number; at?: number; correlationId?: string; actorId?: string | null },
): ProjectedEvent {
  offset++;
  const { actorId, ...payload } = value as { actorId?: string | null };
  return {
    topic,
    type,
    value: payload,
    meta: {
      eventId: `event-${offset}`,
      aggregateId: meta.aggregateId,
      aggregateVersion: meta.version,
      occurredAt: meta.at ?? 1_700_000_000_000 + offset,
      correlationId: meta.correlationId ?? meta.aggregateId,
      causationId: `command-${offset}`,
      actorId: meta.actorId ?? actorId ?? null,
    },
    partition: 0,
    offset: String(offset),
    timestamp: meta.at ?? 1_700_000_000_000 + offset,
  } as ProjectedEvent;
}

export function given<D extends ReadModelDocument, E extends ProjectedEvent>(
  definition: ProjectionDefinition<D, E>,
  ...events: ProjectedEvent[]
) {
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
