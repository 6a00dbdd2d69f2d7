/** The MongoDB-protocol server with the official driver: the operations our read models use. */
import { createNamespace } from '@streamshop/testkit';
import { MongoServerError } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';

const ns = createNamespace(import.meta.url);
afterAll(() => ns.cleanup());

describe('mongodb protocol server', () => {
  it('inserts, finds, upserts, enforces a unique index, bulk-writes and aggregates', async () => {
    const { db } = await ns.mongo();
    const orders = db.collection<{ _id: string; customer: string; total: number; status: string; version: number }>(
      'orders',
    );

    await orders.insertOne({ _id: 'o1', customer: 'c1', total: 1000, status: 'placed', version: 1 });
    expect(await orders.findOne({ _id: 'o1' })).toMatchObject({ customer: 'c1', total: 1000 });

    // Upsert guarded by version: the pattern projections use for idempotent writes.
    await orders.updateOne(
      { _id: 'o2', version: { $lt: 1 } },
      { $set: { customer: 'c2', total: 500, status: 'placed', version: 1 } },
      { upsert: true },
    );
    expect(await orders.countDocuments()).toBe(2);

    await orders.createIndex({ customer: 1, status: 1 }, { unique: true, name: 'customer_status' });
    await expect(
      orders.insertOne({ _id: 'o3', customer: 'c1', total: 1, status: 'placed', version: 1 }),
    ).rejects.toBeInstanceOf(MongoServerError);

    const bulk = await orders.bulkWrite([
      { updateOne: { filter: { _id: 'o1' }, update: { $set: { status: 'paid', version: 2 } } } },
      { insertOne: { document: { _id: 'o4', customer: 'c2', total: 2500, status: 'paid', version: 1 } } },
      {
        replaceOne: {
          filter: { _id: 'o5' },
          replacement: { customer: 'c3', total: 700, status: 'placed', version: 1 },
          upsert: true,
        },
      },
    ]);
    expect(bulk.modifiedCount + bulk.insertedCount + bulk.upsertedCount).toBe(3);

    // One accumulator per $group: FerretDB 1.24 computes only the first of several `$sum`s in a $group
    // (the others come back 0), so our queries never combine them (docs/stack.md).
    const totals = await orders
      .aggregate<{ _id: string; sum: number }>([
        { $match: { status: { $in: ['paid', 'placed'] } } },
        { $group: { _id: '$customer', sum: { $sum: '$total' } } },
        { $sort: { sum: -1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { _id: 'c2', sum: 3000 },
      { _id: 'c1', sum: 1000 },
      { _id: 'c3', sum: 700 },
    ]);
    const counts = await orders
      .aggregate<{ _id: string; n: number }>([
        { $match: { status: 'paid' } },
        { $group: { _id: '$customer', n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(counts).toEqual([
      { _id: 'c1', n: 1 },
      { _id: 'c2', n: 1 },
    ]);
  });
});
