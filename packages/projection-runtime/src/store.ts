/**
 * Loading and writing a batch's documents in MongoDB. Writes are one unordered `bulkWrite` of whole-document
 * replacements, each conditional on the revision the document was folded from: a document changed meanwhile by
 * another instance (two partitions may feed one document, e.g. catalog and inventory into a product) makes that
 * write miss, and the worker folds the batch again from fresh documents. A new document is inserted, so two
 * instances creating it at once collide on `_id` instead of both winning.
 */
import type { AnyBulkWriteOperation, Collection, Document, IndexDescription } from 'mongodb';
import type { ReadModelDocument } from './definition.ts';
import type { FoldResult, StoredDocument } from './fold.ts';

/** Our FerretDB patch pushes an `$in` of up to 999 ids down to the index; more would scan. */
const IDS_PER_LOOKUP = 500;

/**
 * Loads the documents a batch targets: by `_id` (one `$in`, which the local FerretDB answers from its `_id` index
 * with our patch, as MongoDB does) and by any other field a target names. Separate queries, not one `$or`: FerretDB
 * pushes only a filter's `_id` condition down to its index, so an `$or` would scan the collection for the ids too.
 */
export async function loadDocuments<D extends ReadModelDocument>(
  collection: Collection<Document>,
  ids: Set<string>,
  byField: Map<string, Set<string>>,
): Promise<StoredDocument<D>[]> {
  const filters: Document[] = [];
  const idList = [...ids];
  for (let i = 0; i < idList.length; i += IDS_PER_LOOKUP) {
    filters.push({ _id: { $in: idList.slice(i, i + IDS_PER_LOOKUP) } });
  }
  for (const [field, values] of byField) filters.push({ [field]: { $in: [...values] } });
  const found = new Map<string, Document>();
  for (const filter of filters) {
    for (const doc of await collection.find(filter).toArray()) found.set(String(doc._id), doc);
  }
  return [...found.values()] as unknown as StoredDocument<D>[];
}

export class WriteConflict extends Error {
  override name = 'WriteConflict';
}

const DUPLICATE_KEY = 11000;

/**
 * FerretDB (our local MongoDB) applies an update command's statements one by one and stumbles on very large
 * ones, so a batch's writes go out in slices; a write is still per document, which is what the guard needs.
 */
const WRITES_PER_REQUEST = 25;

/** Documents per insert command: FerretDB takes whole-document inserts in bulk far better than updates. */
const INSERTS_PER_REQUEST = 200;

/**
 * Writes the fold's changed documents. A document that did not exist when the batch was loaded is inserted: an
 * insert needs no lookup, and FerretDB on SQLite inserts in bulk about twenty times cheaper than it replaces (a
 * rebuild into a fresh generation is almost all inserts; a live fold inserts every new order), while a duplicate
 * `_id` (someone created it meanwhile) is a conflict like a missed guard. A document that existed is replaced: with
 * `guardRevision` (models fed by several topics, whose documents two partitions may change at once) conditional on
 * the revision it was folded from, and a miss throws WriteConflict; a model fed by one topic has one writer per
 * document (its partition's owner), so it replaces by `_id` alone, which FerretDB does three times faster.
 */
export async function writeDocuments<D extends ReadModelDocument>(
  collection: Collection<Document>,
  writes: FoldResult<D>['writes'],
  { guardRevision, afterEachRequest }: { guardRevision: boolean; afterEachRequest?: () => Promise<void> },
): Promise<void> {
  const inserts: Document[] = [];
  const replaces: AnyBulkWriteOperation<Document>[] = [];
  for (const { doc, loadedRev } of writes.values()) {
    if (loadedRev === null) {
      inserts.push(doc as unknown as Document);
      continue;
    }
    replaces.push({
      replaceOne: {
        filter: (guardRevision ? { _id: doc._id, _rev: loadedRev } : { _id: doc._id }) as Document,
        replacement: doc as unknown as Document,
        upsert: !guardRevision,
      },
    });
  }
  let conflicts = 0;
  for (let i = 0; i < inserts.length; i += INSERTS_PER_REQUEST) {
    const slice = inserts.slice(i, i + INSERTS_PER_REQUEST);
    try {
      await collection.insertMany(slice, { ordered: false });
    } catch (err) {
      conflicts += duplicateKeyErrors(err);
    }
    await afterEachRequest?.();
  }
  for (let i = 0; i < replaces.length; i += WRITES_PER_REQUEST) {
    const slice = replaces.slice(i, i + WRITES_PER_REQUEST);
    try {
      const result = await collection.bulkWrite(slice, { ordered: false });
      conflicts += slice.length - (result.matchedCount + result.upsertedCount);
    } catch (err) {
      conflicts += duplicateKeyErrors(err);
    }
    await afterEachRequest?.();
  }
  if (conflicts > 0) {
    throw new WriteConflict(
      `${conflicts} of ${writes.size} documents changed meanwhile in ${collection.collectionName}`,
    );
  }
}

/** How many of a failed write's errors are duplicate keys; rethrows when any other error is among them. */
function duplicateKeyErrors(err: unknown): number {
  const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length === 0 || !list.every((e) => e.code === DUPLICATE_KEY)) throw err;
  return list.length;
}

/**
 * Creates the indexes a generation declares that it does not have yet. Only the missing ones: FerretDB drops the
 * connection when asked to create an index that already exists (MongoDB would answer with a no-op).
 */
export async function ensureIndexes(collection: Collection<Document>, indexes: readonly IndexDescription[]) {
  let existing: string[] = [];
  try {
    existing = (await collection.indexes()).map((i) => String(i.name));
  } catch (err) {
    if ((err as { codeName?: string }).codeName !== 'NamespaceNotFound') throw err;
  }
  const missing = indexes.filter((i) => !existing.includes(String(i.name)));
  if (missing.length > 0) await collection.createIndexes([...missing]);
}
