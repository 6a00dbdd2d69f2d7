/**
 * Loading and writing a batch's documents in MongoDB. Writes are one unordered `bulkWrite` of whole-document
 * replacements, each conditional on the revision the document was folded from: a document changed meanwhile by
 * another instance (two partitions may feed one document, e.g. catalog and inventory into a product) makes that
 * write miss, and the worker folds the batch again from fresh documents. A new document is written with
 * `upsert` on `_rev: 0`, so two instances creating it at once collide on `_id` instead of both winning.
 */
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { ReadModelDocument } from './definition.ts';
import type { FoldResult, StoredDocument } from './fold.ts';

export async function loadDocuments<D extends ReadModelDocument>(
  collection: Collection<Document>,
  ids: Set<string>,
  byField: Map<string, Set<string>>,
): Promise<StoredDocument<D>[]> {
  const or: Document[] = [];
  if (ids.size > 0) or.push({ _id: { $in: [...ids] } });
  for (const [field, values] of byField) or.push({ [field]: { $in: [...values] } });
  if (or.length === 0) return [];
  const docs = await collection.find(or.length === 1 ? (or[0] as Document) : { $or: or }).toArray();
  return docs as unknown as StoredDocument<D>[];
}

export class WriteConflict extends Error {
  override name = 'WriteConflict';
}

const DUPLICATE_KEY = 11000;

/** Writes the fold's changed documents; throws WriteConflict when any write found another revision. */
export async function writeDocuments<D extends ReadModelDocument>(
  collection: Collection<Document>,
  writes: FoldResult<D>['writes'],
): Promise<void> {
  if (writes.size === 0) return;
  const ops: AnyBulkWriteOperation<Document>[] = [...writes.values()].map(({ doc, loadedRev }) => ({
    replaceOne: {
      filter: { _id: doc._id, _rev: loadedRev ?? 0 } as Document,
      replacement: doc as unknown as Document,
      upsert: true,
    },
  }));
  let matched: number;
  try {
    const result = await collection.bulkWrite(ops, { ordered: false });
    matched = result.matchedCount + result.upsertedCount;
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length > 0 && list.every((e) => e.code === DUPLICATE_KEY)) {
      throw new WriteConflict(
        `${list.length} of ${ops.length} documents changed meanwhile in ${collection.collectionName}`,
      );
    }
    throw err;
  }
  if (matched < ops.length) {
    throw new WriteConflict(
      `${ops.length - matched} of ${ops.length} documents changed meanwhile in ${collection.collectionName}`,
    );
  }
}
