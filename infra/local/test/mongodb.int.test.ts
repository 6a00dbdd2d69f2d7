/**
 * The MongoDB-protocol server with the official driver: the operations our read models use, and that lookups by
 * `_id` use an index (on FerretDB that is our patch, infra/local/ferretdb/indexed-id.patch: without it, or with a
 * FerretDB that brings the scan back, the server's own query plan says SCAN and this test fails).
 */
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

  it('looks documents up by _id through its index, in every shape the read side uses', async () => {
    const { db } = await ns.mongo();
    const docs = db.collection<{ _id: string; _rev: number; n: number }>('lookups');
    await docs.insertMany(Array.from({ length: 300 }, (_, n) => ({ _id: `d${n}`, _rev: 1, n })));

    const shapes: Record<string, Record<string, unknown>> = {
      'by _id': { _id: 'd7' },
      'by _id with $eq': { _id: { $eq: 'd7' } },
      'by _id with $in (a fold loading its batch)': { _id: { $in: ['d7', 'd250', 'missing'] } },
      'by _id and _rev (a guarded write)': { _id: 'd7', _rev: 1 },
    };
    for (const [shape, filter] of Object.entries(shapes)) {
      const plan = JSON.stringify(await docs.find(filter).explain());
      expect(usesIdIndex(plan), `${shape} is not an indexed lookup; the server's plan: ${plan}`).toBe(true);
    }

    // A pushed-down clause may select more rows than match; the answers must still be exact.
    expect((await docs.find({ _id: { $in: ['d7', 'd250', 'missing'] } }).toArray()).map((d) => d.n).sort()).toEqual([
      250, 7,
    ]);
    expect(await docs.findOne({ _id: 'd7', _rev: 2 })).toBeNull();
    expect(await docs.findOne({ _id: { $eq: 'd8' } })).toMatchObject({ n: 8 });
    const missed = await docs.replaceOne({ _id: 'd7', _rev: 2 }, { _rev: 3, n: -1 });
    expect(missed.matchedCount).toBe(0);
    const hit = await docs.replaceOne({ _id: 'd7', _rev: 1 }, { _rev: 2, n: 70 });
    expect(hit.modifiedCount).toBe(1);
    expect(await docs.findOne({ _id: 'd7' })).toEqual({ _id: 'd7', _rev: 2, n: 70 });
    expect((await docs.deleteMany({ _id: { $in: ['d1', 'd2'] }, n: 1 })).deletedCount).toBe(1);
    expect(await docs.countDocuments()).toBe(299);
  });

  it('finds by the leading field of a secondary index through that index, and answers exactly', async () => {
    const { db } = await ns.mongo();
    type Order = { _id: string; customerId: string; status: string; placedAt: number; tags?: string[] };
    const orders = db.collection<Order>('by_customer');
    await orders.insertMany(
      Array.from({ length: 300 }, (_, n) => ({
        _id: `o${n}`,
        customerId: `c${n % 30}`,
        status: n % 4 === 1 ? 'paid' : 'placed',
        placedAt: n,
      })),
    );
    await orders.createIndexes([{ key: { customerId: 1, placedAt: -1 }, name: 'customer_newest' }]);

    const shapes: Record<string, Record<string, unknown>> = {
      'a customer (my orders)': { customerId: 'c7' },
      'a customer with $eq': { customerId: { $eq: 'c7' } },
      'a customer and open statuses (the unpaid-orders cap on placing)': {
        customerId: 'c7',
        status: { $in: ['placed', 'stock_reserved'] },
      },
      'some customers': { customerId: { $in: ['c7', 'c8'] } },
    };
    for (const [shape, filter] of Object.entries(shapes)) {
      const plan = JSON.stringify(await orders.find(filter).explain());
      expect(usesIdIndex(plan), `${shape} is not an indexed lookup; the server's plan: ${plan}`).toBe(true);
    }
    // A field no index leads stays with the handler (a scan, as before the patch).
    expect(usesIdIndex(JSON.stringify(await orders.find({ status: 'paid' }).explain()))).toBe(false);

    const ids = async (filter: Record<string, unknown>, limit = 0) =>
      (await orders.find(filter, { sort: { placedAt: -1 }, limit }).toArray()).map((o) => o._id);
    expect(await ids({ customerId: 'c7' })).toEqual([
      'o277',
      'o247',
      'o217',
      'o187',
      'o157',
      'o127',
      'o97',
      'o67',
      'o37',
      'o7',
    ]);
    expect(await ids({ customerId: 'c7', status: { $in: ['paid'] } })).toEqual(['o277', 'o217', 'o157', 'o97', 'o37']);
    expect(await ids({ customerId: 'c7', status: 'placed' }, 3)).toEqual(['o247', 'o187', 'o127']);
    expect(await orders.countDocuments({ customerId: { $in: ['c7', 'c8', 'nobody'] } })).toBe(20);
    expect((await orders.deleteMany({ customerId: 'c7', status: 'paid' })).deletedCount).toBe(5);
    expect(await orders.countDocuments({ customerId: 'c7' })).toBe(5);
  });
});

/**
 * FerretDB answers explain with SQLite's query plan (`SEARCH <table> USING INDEX …` or `SCAN <table>`); MongoDB with
 * its winning plan's stages (IDHACK, EXPRESS_IXSCAN or IXSCAN; COLLSCAN when it scans).
 */
function usesIdIndex(plan: string): boolean {
  if (plan.includes('ferretdbVersion'))
    return /SEARCH \S+ USING (COVERING )?INDEX/.test(plan) && !/\bSCAN\b/.test(plan);
  return /IDHACK|IXSCAN/.test(plan) && !plan.includes('COLLSCAN');
}
