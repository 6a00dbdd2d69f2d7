/**
 * Crash, end to end on the real stack: the inventory service runs in a child process and is killed with SIGKILL
 * while 1,000 orders (1,100 reservations) are in flight; the order, payment and catalog services keep running in
 * this process. After a restart, every order reaches a final state exactly once, every ReserveStock the saga sent
 * produced exactly one event set, and each SKU's reserved total equals a recomputation from its events.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Runnable, topicOffsets } from '@streamshop/eventsourcing-kafka';
import { sagaCommandId } from '@streamshop/order-service';
import { AvroSerde, ensureTopics, type OrderLine, topicName } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capturingLogger,
  commandSender,
  groupBy,
  killHard,
  type LogLine,
  type Observed,
  observe,
  ofType,
  placeOrder,
  rebuildsIn,
  receiveStock,
  serviceNameOf,
  spawnChild,
  startNamedServices,
  testServiceOptions,
  versionGaps,
} from './acceptance.fixture.ts';

const ORDERS = 1_000;
const PLENTIFUL = Array.from({ length: 8 }, (_, i) => `SKU-P${i}`);
const SCARCE = 'SKU-SCARCE';
const SCARCE_UNITS = 30;
/** Every 10th order also wants the scarce SKU: 100 ask, 30 get it, 70 orders are cancelled and release line 0. */
const linesOf = (i: number): OrderLine[] => [
  {
    sku: PLENTIFUL[i % PLENTIFUL.length]!,
    quantity: 1 + (i % 3),
    unitPrice: { amount: 1000, currency: 'EUR' },
    name: null,
    category: null,
  },
  ...(i % 10 === 0
    ? [{ sku: SCARCE, quantity: 1, unitPrice: { amount: 500, currency: 'EUR' }, name: null, category: null }]
    : []),
];
const RESERVATIONS = ORDERS + ORDERS / 10;
const KILL_AFTER = 400;

let ns: Namespace;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;
const running: Runnable[] = [];
const children: ChildProcess[] = [];
const script = fileURLToPath(new URL('./inventory-service.child.ts', import.meta.url));

/** Starts the inventory service in a child process; its log lines land in `logs` (warnings also on stderr). */
function startInventoryChild(logs: LogLine[]) {
  return spawnChild(script, [ns.topicPrefix], children, (line) => {
    const parsed = JSON.parse(line) as LogLine;
    logs.push(parsed);
    if (parsed.level >= 40) process.stderr.write(`${line}\n`);
  });
}

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  const serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['inventory.events', 'orders.events', 'payments.events']);
  const options = testServiceOptions(ns.topicPrefix, capturingLogger().logger);
  running.push(...(await startNamedServices(ns.config, ['catalog', 'payment', 'order'], options)));
});

afterAll(async () => {
  for (const c of children) await killHard(c);
  for (const r of running.reverse()) await r.stop().catch(() => {});
  await seen?.stop();
  await sender?.stop();
  await ns?.cleanup();
});

const isReservationOutcome = (e: Observed) =>
  e.type === 'streamshop.inventory.StockReserved' || e.type === 'streamshop.inventory.StockReservationRejected';
const isFinal = (e: Observed) =>
  e.type === 'streamshop.orders.OrderPaymentRequested' || e.type === 'streamshop.orders.OrderCancelled';

describe('inventory service killed with SIGKILL mid-stream', () => {
  it('after a restart, every order ends exactly once and every reservation was decided exactly once', async () => {
    const first = await startInventoryChild([]);
    await sender.send(...PLENTIFUL.map((sku) => receiveStock(sku, 400)), receiveStock(SCARCE, SCARCE_UNITS));

    const stock = () => seen.of('inventory.events');
    const outcomes = () => stock().filter(isReservationOutcome);
    const run = randomUUID().slice(0, 8);
    const orderIds = Array.from({ length: ORDERS }, (_, i) => `order-${run}-${i}`);
    const sending = (async () => {
      for (let b = 0; b < ORDERS; b += 50) {
        await sender.send(...orderIds.slice(b, b + 50).map((id, j) => placeOrder(id, linesOf(b + j))));
      }
    })();

    // Kill it in the middle of the stream: some reservations decided, not all.
    await eventually(() => expect(outcomes().length).toBeGreaterThan(KILL_AFTER), { timeoutMs: 60_000 });
    await killHard(first);
    await sending;
    // With inventory down the order service goes on placing orders: every ReserveStock is now queued.
    await eventually(
      () => expect(ofType(seen.of('orders.events'), 'streamshop.orders.OrderPlaced')).toHaveLength(ORDERS),
      {
        timeoutMs: 60_000,
        message: 'all orders placed',
      },
    );
    const seenBeforeRestart = outcomes().length;
    const lag = await commandLag(
      serviceNameOf(ns.config, 'inventory', ns.topicPrefix),
      topicName('inventory.commands', ns.topicPrefix),
    );
    // More records left than one trailing commit marker per partition: real commands were still unprocessed.
    expect(lag).toBeGreaterThan(6);
    expect(seenBeforeRestart).toBeLessThan(RESERVATIONS);

    const restartedLogs: LogLine[] = [];
    await startInventoryChild(restartedLogs);

    const orderEvents = () => seen.of('orders.events');
    const finals = () => orderEvents().filter(isFinal);
    await eventually(
      () => {
        expect(new Set(finals().map((e) => e.key)).size).toBe(ORDERS);
        expect(outcomes()).toHaveLength(RESERVATIONS);
        const cancelled = ofType(finals(), 'streamshop.orders.OrderCancelled').length;
        // Each cancelled order gives back its plentiful line, whether it was reserved before or after the cancel.
        expect(ofType(stock(), 'streamshop.inventory.ReservationReleased')).toHaveLength(cancelled);
        expect(ofType(seen.of('payments.events'), 'streamshop.payments.PaymentRequested')).toHaveLength(
          ORDERS - cancelled,
        );
      },
      { timeoutMs: 150_000, message: 'every order final after the restart' },
    );

    // Orders: exactly one final event each, and gapless versions (no command of theirs applied twice).
    expect([...groupBy(finals(), (e) => e.key!)].filter(([, list]) => list.length !== 1)).toEqual([]);
    expect(versionGaps(orderEvents())).toEqual([]);
    const cancelled = ofType(finals(), 'streamshop.orders.OrderCancelled');
    expect(cancelled).toHaveLength(100 - SCARCE_UNITS);
    for (const e of cancelled) expect(e.value.reason).toBe('out_of_stock');

    // Inventory: no duplicate event, one event set per command, and each ReserveStock the saga sent (its id is
    // derived from the OrderPlaced event and the line) decided exactly once.
    const all = stock();
    expect(new Set(all.map((e) => e.value.eventId)).size).toBe(all.length);
    expect(versionGaps(all)).toEqual([]);
    expect([...groupBy(all, (e) => String(e.value.causationId)).values()].filter((set) => set.length !== 1)).toEqual(
      [],
    );
    const reserveCommandIds = ofType(orderEvents(), 'streamshop.orders.OrderPlaced').flatMap((e) =>
      (e.value.lines as OrderLine[]).map((_, line) => sagaCommandId(String(e.value.eventId), line)),
    );
    expect(reserveCommandIds).toHaveLength(RESERVATIONS);
    expect(new Set(outcomes().map((e) => String(e.value.causationId)))).toEqual(new Set(reserveCommandIds));

    // Reserved totals per SKU: a fold of the events' quantities matches every levels value the service wrote, and
    // the final total is exactly what the orders awaiting payment hold.
    const paying = new Set(ofType(orderEvents(), 'streamshop.orders.OrderPaymentRequested').map((e) => e.key!));
    const heldByOrders = new Map<string, number>();
    for (const e of ofType(orderEvents(), 'streamshop.orders.OrderPlaced')) {
      if (!paying.has(e.key!)) continue;
      for (const l of e.value.lines as OrderLine[])
        heldByOrders.set(l.sku, (heldByOrders.get(l.sku) ?? 0) + l.quantity);
    }
    for (const [sku, events] of groupBy(all, (e) => e.key!)) {
      let reserved = 0;
      for (const e of events) {
        if (e.type === 'streamshop.inventory.StockReserved') reserved += e.value.quantity;
        if (e.type === 'streamshop.inventory.ReservationReleased') reserved -= e.value.quantity;
        expect(e.value.levels.reserved, `${sku} v${e.value.aggregateVersion}`).toBe(reserved);
        expect(e.value.levels.available).toBeGreaterThanOrEqual(0);
      }
      expect(reserved, sku).toBe(heldByOrders.get(sku) ?? 0);
    }
    expect(seen.stream('inventory.events', SCARCE).at(-1)!.value.levels).toEqual({
      onHand: SCARCE_UNITS,
      reserved: SCARCE_UNITS,
      available: 0,
    });

    // The restarted service rebuilt its partitions (from snapshots and event tails) before deciding anything.
    const rebuilds = rebuildsIn(restartedLogs);
    expect(rebuilds.length).toBeGreaterThan(0);
    const stats = {
      reservationEventsSeenBeforeRestart: seenBeforeRestart,
      commandLagAtRestart: lag,
      rebuiltPartitions: rebuilds.length,
      aggregates: rebuilds.reduce((n, r) => n + r.aggregates, 0),
      snapshotsLoaded: rebuilds.reduce((n, r) => n + r.snapshots, 0),
      eventsReplayed: rebuilds.reduce((n, r) => n + r.replayed, 0),
      slowestRebuildMs: Math.max(...rebuilds.map((r) => r.ms)),
    };
    process.stdout.write(`crash stats: ${JSON.stringify(stats)}\n`);
  }, 240_000);
});

/** Records on the commands topic past what the group committed (commit markers included, at most one trailing). */
async function commandLag(groupId: string, commandsTopic: string): Promise<number> {
  const admin = await ns.admin();
  const [committed] = await admin.fetchOffsets({ groupId, topics: [commandsTopic] });
  const ends = await topicOffsets(admin, commandsTopic);
  let lag = 0;
  for (const end of ends) {
    const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
    lag += Number(end.offset) - Math.max(Number(at), Number(end.low));
  }
  return lag;
}
