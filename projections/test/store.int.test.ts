/**
 * The fold's writes against the real MongoDB-protocol server: a document new to the batch is inserted (no lookup,
 * and FerretDB inserts in bulk far cheaper than it replaces), an existing one replaced on the revision it was
 * folded from, and either kind of collision — a document created meanwhile, or changed meanwhile — is a
 * WriteConflict after the rest of the batch's writes landed, so the worker folds the batch again from fresh
 * documents (the version guard makes the second fold skip what the first one wrote).
 */
import { loadDocuments, WriteConflict, writeDocuments } from '@streamshop/projection-runtime';
import { createNamespace, type Namespace } from '@streamshop/testkit';
import { type Collection, type Document, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Doc = { _id: string; n: number; _v: Record<string, number>; _rev: number };
let ns: Namespace;
let docs: Collection<Document>;
let client: MongoClient;
const commands: string[] = [];

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  const { db } = await ns.mongo();
  // A client of our own that reports every command it sends, to see inserts and updates apart.
  client = new MongoClient(ns.config.mongo.url, { monitorCommands: true });
  client.on('commandStarted', (e) => commands.push(e.commandName));
  docs = client.db(db.databaseName).collection('store_writes');
});

afterAll(async () => {
  await client?.close();
  await ns?.cleanup();
});

/** The commands `run` sent, by name. */
async function sent(run: () => Promise<unknown>): Promise<string[]> {
  commands.length = 0;
  await run();
  return [...commands];
}

const doc = (id: string, n: number, rev: number): Doc => ({ _id: id, n, _v: { orders: n }, _rev: rev });
const writes = (...list: [Doc, number | null][]) =>
  new Map(list.map(([d, loadedRev]) => [d._id, { doc: d, loadedRev }]));
const stored = async (ids: string[]) =>
  (await loadDocuments<Doc>(docs, new Set(ids), new Map()))
    .map(({ _id, n, _rev }) => ({ _id, n, _rev }))
    .sort((a, b) => a._id.localeCompare(b._id));

describe('writeDocuments', () => {
  it('inserts the documents that did not exist, in bulk, and replaces the ones that did', async () => {
    const many = Array.from({ length: 450 }, (_, i) => doc(`new-${i}`, 1, 1));
    expect(
      await sent(() =>
        writeDocuments(docs, writes(...many.map((d): [Doc, null] => [d, null])), { guardRevision: true }),
      ),
    ).toEqual(['insert', 'insert', 'insert']);
    expect(await docs.countDocuments({ _id: { $in: many.map((d) => d._id) } } as Document)).toBe(450);

    expect(
      await sent(() =>
        writeDocuments(docs, writes([doc('new-0', 2, 2), 1], [doc('new-1', 2, 2), 1]), { guardRevision: true }),
      ),
    ).toEqual(['update']);
    expect(await stored(['new-0', 'new-1', 'new-2'])).toEqual([
      { _id: 'new-0', n: 2, _rev: 2 },
      { _id: 'new-1', n: 2, _rev: 2 },
      { _id: 'new-2', n: 1, _rev: 1 },
    ]);
  });

  it('a document created meanwhile is a conflict; the other new documents of the batch are written', async () => {
    await docs.insertOne(doc('raced', 7, 1) as unknown as Document);
    const attempt = writeDocuments(docs, writes([doc('raced', 1, 1), null], [doc('alone', 1, 1), null]), {
      guardRevision: true,
    });
    await expect(attempt).rejects.toBeInstanceOf(WriteConflict);
    expect(await stored(['alone', 'raced'])).toEqual([
      { _id: 'alone', n: 1, _rev: 1 },
      { _id: 'raced', n: 7, _rev: 1 },
    ]);
  });

  it('a guarded replace of a document changed meanwhile is a conflict; unguarded, it replaces by _id', async () => {
    await docs.insertOne(doc('changed', 5, 3) as unknown as Document);
    await expect(
      writeDocuments(docs, writes([doc('changed', 6, 3), 2]), { guardRevision: true }),
    ).rejects.toBeInstanceOf(WriteConflict);
    expect(await stored(['changed'])).toEqual([{ _id: 'changed', n: 5, _rev: 3 }]);

    await writeDocuments(docs, writes([doc('changed', 6, 3), 2]), { guardRevision: false });
    expect(await stored(['changed'])).toEqual([{ _id: 'changed', n: 6, _rev: 3 }]);
  });
});
