/**
 * Gapless numbering on the real stack, the property accountants require: two invoicing writers run as child
 * processes in one consumer group (invoicing.commands has one partition, so one of them owns it and the other
 * waits), 300 IssueInvoice commands for 300 orders and a few credit notes arrive concurrently with repeats, and the
 * writer that owns the partition is killed -9 part-way. The other takes over, fences the dead one's transactional
 * id (its open transaction is aborted), rebuilds the year from invoicing.events and goes on.
 *
 * What a read_committed reader of invoicing.events then sees: exactly 300 invoices numbered INV-<year>-000001 to
 * 000300, each number once and each order once, and the credit notes CN-<year>-000001 to 00000n, one per refund.
 */

import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AvroSerde, ensureTopics, type OrderLine } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killHard,
  type LogLine,
  type Observed,
  observeRawLog,
  spawnChild,
  versionGaps,
} from '../../inventory/test/acceptance.fixture.ts';
import { command, commandSender, observe } from '../../order/test/running-services.fixture.ts';
import { invoiceSeriesId } from '../src/domain/index.ts';

const YEAR = 2026;
const SERIES = invoiceSeriesId(YEAR);
const ORDERS = 300;
const REFUNDS = 6;
/** Invoices seen before the second third is sent and the owner killed while deciding it. */
const KILL_AFTER = 40;
const script = fileURLToPath(new URL('./invoicing-writer.child.ts', import.meta.url));

let ns: Namespace;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;
let raw: Awaited<ReturnType<typeof observeRawLog>>;
const children: ChildProcess[] = [];
/** Every log line of each writer, in arrival order, tagged with its child's index. */
const logs: (LogLine & { child: number; seq: number })[] = [];

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const address = (name: string) => ({
  name,
  line1: '12 rue des Lilas',
  line2: null,
  postalCode: '75011',
  city: 'Paris',
  region: null,
  country: 'FR',
});
const lines = (i: number): OrderLine[] => [
  { sku: 'SKU-LAMP', quantity: 1 + (i % 3), unitPrice: eur(1999), name: 'Lamp', category: 'home' },
  { sku: 'SKU-BOOK', quantity: 1, unitPrice: eur(1055), name: 'Book', category: 'books' },
];
const buyer = (i: number) => ({
  name: `Shopper ${i}`,
  email: `shopper${i}@example.com`,
  address: address(`Shopper ${i}`),
  vatId: null,
});

const issueInvoice = (orderId: string, i: number) =>
  command('streamshop.invoicing.IssueInvoice', SERIES, {
    orderId,
    buyer: buyer(i),
    shippingAddress: address(`Shopper ${i}`),
    lines: lines(i),
    currency: 'EUR',
    paymentProvider: 'stripe',
    paymentReference: `pi_${i}`,
  });

const issueCreditNote = (orderId: string, refundId: string, i: number) =>
  command('streamshop.invoicing.IssueCreditNote', SERIES, {
    orderId,
    refundId,
    invoiceNumber: null,
    buyer: buyer(i),
    lines: [],
    amount: eur(500 + i),
    paymentProvider: 'stripe',
    paymentReference: `pi_${i}`,
    reason: 'goodwill',
  });

function startWriter(index: number): Promise<ChildProcess> {
  return spawnChild(script, [ns.topicPrefix], children, (line) => {
    const parsed = JSON.parse(line) as LogLine;
    logs.push({ ...parsed, child: index, seq: logs.length });
    if (parsed.level >= 50) process.stderr.write(`writer ${index}: ${line}\n`);
  });
}

/** The writer that holds the partition now: the last to rebuild it, unless the group has revoked it since. */
function owner(): number | undefined {
  const last = logs.findLast(
    (l) => l.msg === 'partition state rebuilt' || l.msg === 'partition revoked; dropping its state',
  );
  return last?.msg === 'partition state rebuilt' ? last.child : undefined;
}

/** Sends the commands from several concurrent senders, as paid orders arrive from many order partitions. */
async function sendConcurrently(commands: ReturnType<typeof command>[], lanes = 6): Promise<void> {
  const lane = (k: number) => commands.filter((_, i) => i % lanes === k);
  await Promise.all(Array.from({ length: lanes }, (_, k) => sender.send(...lane(k))));
}

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['invoicing.events']);
  raw = await observeRawLog(ns, serde, 'invoicing.events');
  await Promise.all([startWriter(0), startWriter(1)]);
});

afterAll(async () => {
  for (const c of children) await killHard(c);
  await raw?.stop();
  await seen?.stop();
  await sender?.stop();
  await ns?.cleanup();
});

const ofType = (type: string) => seen.of('invoicing.events').filter((e) => e.type === type);
const invoices = () => ofType('streamshop.invoicing.InvoiceIssued');
const creditNotes = () => ofType('streamshop.invoicing.CreditNoteIssued');
const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${YEAR}-${String(i + 1).padStart(6, '0')}`);
const numbersOf = (events: Observed[]) => events.map((e) => String(e.value.document.number)).sort();

describe('invoice numbering across two writers, one killed -9', () => {
  it('gives INV-<year>-000001..000300 once each, one per order, and a gapless CN series', async () => {
    const orderIds = Array.from({ length: ORDERS }, (_, i) => `order-${i}-${randomUUID().slice(0, 8)}`);
    const refunds = orderIds.slice(0, REFUNDS).map((orderId, i) => ({ orderId, refundId: randomUUID(), i }));
    const invoicesFor = (from: number, to: number) =>
      orderIds.slice(from, to).map((id, i) => issueInvoice(id, from + i));
    const creditNotesFor = (from: number, to: number) =>
      refunds.slice(from, to).map((r) => issueCreditNote(r.orderId, r.refundId, r.i));

    // A first third, then the second third while the owner is killed in the middle of deciding it, then the rest
    // (with repeats of some orders and of one refund under new command ids, as a retried saga would send them)
    // once only the other writer is left. The last third is sent after the kill, so the kill is always part-way.
    await sendConcurrently([...invoicesFor(0, 100), ...creditNotesFor(0, REFUNDS / 2)]);
    await eventually(() => invoices().length >= KILL_AFTER, { timeoutMs: 90_000, message: 'first invoices issued' });
    const victim = await eventually(() => owner() ?? false, {
      timeoutMs: 30_000,
      message: 'a writer owns the partition',
    });
    const issuedBefore = invoices().length;
    const secondThird = sendConcurrently(invoicesFor(100, 200));
    await eventually(() => invoices().length > issuedBefore, {
      timeoutMs: 60_000,
      message: 'the second third started',
    });
    await killHard(children[victim]!);
    const issuedAtKill = invoices().length;
    const killedAt = logs.length;
    await secondThird;
    await sendConcurrently([
      ...invoicesFor(200, ORDERS),
      ...creditNotesFor(REFUNDS / 2, REFUNDS),
      ...invoicesFor(0, 20),
      ...creditNotesFor(0, 1),
    ]);

    await eventually(() => expect(invoices().length).toBeGreaterThanOrEqual(ORDERS), {
      timeoutMs: 180_000,
      message: 'every order invoiced after the takeover',
    });
    await eventually(() => expect(creditNotes().length).toBeGreaterThanOrEqual(REFUNDS), {
      timeoutMs: 60_000,
      message: 'every refund credited',
    });
    // Whatever else was still in flight (the repeats) had its chance: the survivor has consumed every command.
    await eventually(
      async () => {
        const admin = await ns.admin();
        const [offset] = await admin.fetchOffsets({
          groupId: `${ns.topicPrefix.replace(/\.+$/, '')}.invoicing-service`,
          topics: [ns.topic('invoicing.commands')],
        });
        const [end] = await admin.fetchTopicOffsets(ns.topic('invoicing.commands'));
        return offset!.partitions[0]!.offset === end!.offset;
      },
      { timeoutMs: 60_000, message: 'the surviving writer consumed every command' },
    );

    // The kill landed part-way, and the other writer took over: it rebuilt the year from invoicing.events.
    expect(issuedAtKill).toBeGreaterThan(0);
    expect(issuedAtKill).toBeLessThan(ORDERS);
    const takeover = logs.find((l) => l.seq >= killedAt && l.msg === 'partition state rebuilt');
    expect(takeover?.child).toBe(1 - victim);

    // Exactly 300 invoices, numbered 1..300 with no gap and no repeat, one per order, no order twice.
    const issued = invoices();
    expect(issued).toHaveLength(ORDERS);
    expect(numbersOf(issued)).toEqual(numbered('INV', ORDERS));
    expect(issued.map((e) => Number(e.value.document.sequence)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: ORDERS }, (_, i) => i + 1),
    );
    expect(new Set(issued.map((e) => e.value.document.orderId))).toEqual(new Set(orderIds));
    // In log order the numbers only go up: a number is given when its event is written, not before.
    expect(issued.map((e) => Number(e.value.document.sequence))).toEqual(
      Array.from({ length: ORDERS }, (_, i) => i + 1),
    );

    // One credit note per refund, CN-<year>-000001..00000n, the repeat ignored.
    const credited = creditNotes();
    expect(credited).toHaveLength(REFUNDS);
    expect(numbersOf(credited)).toEqual(numbered('CN', REFUNDS));
    expect(new Set(credited.map((e) => e.value.refundId))).toEqual(new Set(refunds.map((r) => r.refundId)));
    // Each credits exactly its amount, and refers to the order's invoice, which the ledger knew.
    for (const r of refunds) {
      const note = credited.find((e) => e.value.refundId === r.refundId)!;
      expect(note.value.document.gross).toEqual(eur(500 + r.i));
      const invoice = issued.find((e) => e.value.document.orderId === r.orderId)!;
      expect(note.value.document.refersTo).toBe(invoice.value.document.number);
    }

    // The series' aggregate: versions 1..n in log order, every event once.
    const all = seen.of('invoicing.events');
    expect(versionGaps(all)).toEqual([]);
    expect(new Set(all.map((e) => e.value.eventId)).size).toBe(all.length);

    process.stdout.write(
      `numbering stats: ${JSON.stringify({
        issuedAtKill,
        takeoverRebuild: { replayed: takeover?.replayed, ms: takeover?.ms },
        abortedRecordsInLog: raw.records.length - all.length,
      })}\n`,
    );
  }, 300_000);
});
