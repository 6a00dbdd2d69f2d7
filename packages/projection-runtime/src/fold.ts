/**
 * Folding one batch of events into the documents they target, purely: given the documents as loaded (with their
 * version guards) and the events in partition order, which documents change, which events were already applied
 * (a replay after a crash: skipped by the version guard), and which events cannot be applied (to the DLQ).
 *
 * The guard: an event of stream S at aggregate version v is applied to a document only when the document's
 * `_v[S] < v`. Events of one aggregate arrive in version order on one partition, so after a crash the worker
 * re-reads events it may already have written, and they are skipped: a fold is effectively once.
 */
import {
  type DocTarget,
  handles,
  type InternalFields,
  type ProjectedEvent,
  type ProjectionDefinition,
  ProjectionError,
  type ReadModelDocument,
  streamOf,
} from './definition.ts';

export type StoredDocument<D extends ReadModelDocument = ReadModelDocument> = D & InternalFields;

export interface FoldResult<D extends ReadModelDocument> {
  /** Changed documents with the revision they were loaded at (null: did not exist). */
  writes: Map<string, { doc: StoredDocument<D>; loadedRev: number | null }>;
  /** Every document an event of the batch targeted, changed or not, as it stands (cache entries to drop). */
  touched: Map<string, StoredDocument<D>>;
  failures: { event: ProjectedEvent; error: Error }[];
  applied: number;
  skipped: number;
  ignored: number;
}

/** Field targets (`{ field, value }`) whose documents must be loaded by that field rather than by `_id`. */
export function lookups<E extends ProjectedEvent>(
  definition: ProjectionDefinition<ReadModelDocument, E>,
  events: readonly ProjectedEvent[],
) {
  const ids = new Set<string>();
  const byField = new Map<string, Set<string>>();
  for (const event of events) {
    if (!handles(definition, event)) continue;
    let target: DocTarget | null;
    try {
      target = definition.target(event);
    } catch {
      continue; // reported by foldBatch
    }
    if (!target) continue;
    if ('id' in target) ids.add(target.id);
    else {
      const values = byField.get(target.field) ?? new Set<string>();
      values.add(target.value);
      byField.set(target.field, values);
    }
  }
  return { ids, byField };
}

export function foldBatch<D extends ReadModelDocument, E extends ProjectedEvent>(
  definition: ProjectionDefinition<D, E>,
  loaded: readonly StoredDocument<D>[],
  events: readonly ProjectedEvent[],
): FoldResult<D> {
  const docs = new Map<string, StoredDocument<D>>(loaded.map((d) => [d._id, d]));
  const loadedRev = new Map<string, number>(loaded.map((d) => [d._id, d._rev ?? 0]));
  const result: FoldResult<D> = {
    writes: new Map(),
    touched: new Map(),
    failures: [],
    applied: 0,
    skipped: 0,
    ignored: 0,
  };

  const findBy = (field: string, value: string): StoredDocument<D> | undefined => {
    for (const doc of docs.values()) if ((doc as unknown as Record<string, unknown>)[field] === value) return doc;
    return undefined;
  };

  for (const event of events) {
    if (!handles(definition, event)) {
      result.ignored++;
      continue;
    }
    try {
      const target = definition.target(event);
      if (!target) {
        result.ignored++;
        continue;
      }
      const current = 'id' in target ? docs.get(target.id) : findBy(target.field, target.value);
      if ('field' in target && !current) {
        throw new ProjectionError(
          `${event.type} ${event.meta.aggregateId}: no ${definition.model} document with ${target.field} = ${target.value}`,
        );
      }
      const stream = definition.guardStream?.(event) ?? streamOf(event.topic);
      const seen = current?._v?.[stream] ?? 0;
      const id = current?._id ?? (target as { id: string }).id;
      if (current) result.touched.set(id, current);
      if (seen >= event.meta.aggregateVersion) {
        result.skipped++;
        continue;
      }
      const next = definition.apply(current ?? null, event);
      if (next._id !== id) {
        throw new ProjectionError(`${event.type}: apply changed the document id from ${id} to ${next._id}`);
      }
      const stored = {
        ...next,
        _v: { ...(current?._v ?? {}), [stream]: event.meta.aggregateVersion },
        _rev: (current?._rev ?? 0) + 1,
      } as StoredDocument<D>;
      docs.set(id, stored);
      result.touched.set(id, stored);
      result.writes.set(id, { doc: stored, loadedRev: loadedRev.has(id) ? (loadedRev.get(id) as number) : null });
      result.applied++;
    } catch (err) {
      result.failures.push({ event, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  return result;
}
