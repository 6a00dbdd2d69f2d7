/**
 * Zombie fencing of the order service on the real stack. The runtime names one transactional id per commands
 * partition (`<service>-<commandsTopic>-<partition>`), so whoever initialises an id last owns that partition:
 *
 * - a newer producer with the live order service's ids fences it: the service's next transaction is refused, it
 *   backs off, takes the ids back (fencing the usurper in turn, whose open transaction — carrying a forged
 *   duplicate OrderPlaced — the coordinator aborts), rebuilds, and processes every command exactly once;
 * - a second order-service instance (same service, so the same ids) joining while orders are in flight, and the
 *   first leaving, hands every partition over: the new owner re-initialises the ids and rebuilds the orders from
 *   orders.events, so reservation outcomes arriving afterwards find their orders; nothing is lost or doubled.
 *   That handover is clean (the group revokes before it reassigns) and would hold without fencing; the zombie
 *   case, where fencing is what stands between a stale writer and the log, is the first test's.
 *
 * read_committed consumers never see a duplicate: each command's events appear once, versions without gaps.
 */
import { randomUUID } from 'node:crypto';
import {
  createTransactionalProducer,
  isFencingError,
  type Runnable,
  transactionalIdFor,
} from '@streamshop/eventsourcing-kafka';
import { AvroSerde, ensureTopics, topicName } from '@streamshop/schemas';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capturingLogger,
  commandSender,
  fencingsIn,
  groupBy,
  type LogLine,
  observe,
  observeRawLog,
  ofType,
  oneUnitOf,
  placeOrder,
  receiveStock,
  SERVICES,
  serviceNameOf,
  startNamedServices,
  testServiceOptions,
  versionGaps,
} from '../../inventory/test/acceptance.fixture.ts';

const PARTITIONS = 6; // orders.commands in the topic catalog
const SKU = 'SKU-FENCE';

let ns: Namespace;
let serde: AvroSerde;
let sender: Awaited<ReturnType<typeof commandSender>>;
let seen: Awaited<ReturnType<typeof observe>>;
let raw: Awaited<ReturnType<typeof observeRawLog>>;
let logs: LogLine[];
let options: ReturnType<typeof testServiceOptions>;
const running: Runnable[] = [];
const usurpers: Producer[] = [];
/** The order service the first test starts (and has fenced); the second test replaces it with a new instance. */
let firstOrder: Runnable;

async function start(service: Runnable): Promise<Runnable> {
  await service.start();
  running.push(service);
  return service;
}

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  await ensureTopics(await ns.admin(), { prefix: ns.topicPrefix });
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  sender = await commandSender(ns, serde);
  seen = await observe(ns, serde, ['orders.events', 'commerce.command-replies']);
  raw = await observeRawLog(ns, serde, 'orders.events');
  const captured = capturingLogger('error'); // the fencings below are provoked: their warnings are expected
  logs = captured.lines;
  options = testServiceOptions(ns.topicPrefix, captured.logger);
  running.push(...(await startNamedServices(ns.config, ['inventory', 'payment'], options)));
  await sender.send(receiveStock(SKU, 10_000));
});

afterAll(async () => {
  for (const u of usurpers) await u.disconnect().catch(() => {});
  for (const r of running.reverse()) await r.stop().catch(() => {});
  await raw?.stop();
  await seen?.stop();
  await sender?.stop();
  await ns?.cleanup();
});

const orderEvents = () => seen.of('orders.events');
const paymentRequested = (ids: string[]) => {
  const requested = new Set(ofType(orderEvents(), 'streamshop.orders.OrderPaymentRequested').map((e) => e.key));
  return ids.filter((id) => requested.has(id)).length;
};

/** The orders.commands partition an order id lands on (the producers' murmur2 partitioner). */
const partitionOf = (() => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0 }));
  return (key: string) =>
    partitioner({
      topic: 'orders.commands',
      partitionMetadata: partitionMetadata as never,
      message: { key, value: null },
    });
})();

/**
 * Places `count` orders, or more when `everyPartition` asks for at least one on each partition: the service
 * takes back a usurped transactional id only when a command arrives on its partition, so a partition left without
 * one would leave the usurper's transaction open and committable (random ids miss one partition in ~1 run of 250).
 */
async function placeOrders(label: string, count: number, { everyPartition = false } = {}): Promise<string[]> {
  const ids: string[] = [];
  const covered = new Set<number>();
  for (let i = 0; ids.length < count || (everyPartition && covered.size < PARTITIONS); i++) {
    const id = `${label}-${i}-${randomUUID().slice(0, 6)}`;
    const partition = partitionOf(id);
    if (ids.length >= count && covered.has(partition)) continue;
    ids.push(id);
    covered.add(partition);
  }
  await sender.send(...ids.map((id) => placeOrder(id, oneUnitOf(SKU))));
  return ids;
}

/** What read_committed consumers see: each command's events once, each order's versions 1..n, no id twice. */
function expectNoDuplicates() {
  const events = orderEvents();
  expect(events.filter((e) => e.type === '?')).toEqual([]);
  expect(new Set(events.map((e) => e.value.eventId)).size).toBe(events.length);
  expect(versionGaps(events)).toEqual([]);
  for (const [commandId, set] of groupBy(events, (e) => String(e.value.causationId))) {
    const versions = set.map((e) => Number(e.value.aggregateVersion));
    // One event set per command: contiguous versions, written once.
    expect(versions, commandId).toEqual(versions.map((_, i) => versions[0]! + i));
  }
  const placed = ofType(events, 'streamshop.orders.OrderPlaced');
  expect(new Set(placed.map((e) => e.key)).size).toBe(placed.length);
}

describe('order service fencing', () => {
  it('a newer producer with the live service’s transactional ids fences it; the usurper’s open transaction is aborted', async () => {
    firstOrder = await start(SERVICES.order(ns.config, options));
    const before = await placeOrders('pre', 30);
    await eventually(() => expect(paymentRequested(before)).toBe(30), { timeoutMs: 60_000, message: 'first orders' });

    // A newer owner of every partition: initialising the ids bumps their epochs and fences the live service.
    const service = serviceNameOf(ns.config, 'order', ns.topicPrefix);
    const commandsTopic = topicName('orders.commands', ns.topicPrefix);
    for (let p = 0; p < PARTITIONS; p++) {
      usurpers.push(await createTransactionalProducer(ns.kafka, transactionalIdFor(service, commandsTopic, p)));
    }
    // The usurper opens a transaction and writes a forged duplicate of an order's first event into it …
    const victim = ofType(orderEvents(), 'streamshop.orders.OrderPlaced').find((e) => e.key === before[0])!;
    const open = await usurpers[victim.partition]!.transaction();
    await open.send({
      topic: topicName('orders.events', ns.topicPrefix),
      messages: [
        {
          key: victim.key,
          partition: victim.partition,
          value: await serde.encode('orders.events', 'streamshop.orders.OrderPlaced', victim.value as never),
        },
      ],
    });
    // … which really is in the log: a read_uncommitted consumer sees it.
    const copies = () => raw.records.filter((e) => e.value.eventId === victim.value.eventId);
    await eventually(() => expect(copies()).toHaveLength(2), {
      timeoutMs: 30_000,
      message: 'forged record in the log',
    });

    // Orders keep coming: the live service is refused, backs off, takes its ids back and processes them once.
    const after = await placeOrders('post', 30, { everyPartition: true });
    await eventually(() => expect(fencingsIn(logs, service).length).toBeGreaterThan(0), {
      timeoutMs: 60_000,
      message: 'the live service is fenced',
    });
    await eventually(() => expect(paymentRequested(after)).toBe(after.length), {
      timeoutMs: 90_000,
      message: 'orders after the fencing',
    });

    // Taking the ids back fenced the usurper: its open transaction was aborted and its commit is refused.
    const err = await open.commit().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFencingError(err)).toBe(true);
    await open.abort().catch(() => {});
    expect(orderEvents().filter((e) => e.value.eventId === victim.value.eventId)).toHaveLength(1);
    expectNoDuplicates();
    // Every PlaceOrder was answered once.
    const ours = new Set([...before, ...after]);
    const replies = seen
      .of('commerce.command-replies')
      .filter((r) => ours.has(r.value.aggregateId) && r.value.outcome === 'accepted');
    expect(new Set(replies.map((r) => r.value.commandId)).size).toBe(replies.length);
    process.stdout.write(
      `fencing stats: ${JSON.stringify({
        serviceFencings: fencingsIn(logs, service).length,
        abortedRecordsInLog: raw.records.length - orderEvents().length,
      })}\n`,
    );
  });

  it('a second instance with the same ids takes over orders in flight: it rebuilds them, nothing lost or doubled', async () => {
    // Inventory pauses, so orders placed now are in flight (placed, reservations pending) across the handover.
    const inventory = running[0]!;
    await inventory.stop();
    running.splice(0, 1);
    const ids: string[] = [];
    ids.push(...(await placeOrders('wave1', 40)));
    const placed = () => new Set(ofType(orderEvents(), 'streamshop.orders.OrderPlaced').map((e) => e.key));
    await eventually(() => expect(ids.filter((id) => placed().has(id))).toHaveLength(40), {
      timeoutMs: 60_000,
      message: 'wave 1 placed by the first instance',
    });
    // A second instance joins while orders keep coming, then the first leaves: the second owns every partition,
    // re-initialising the ids the first wrote with and rebuilding the orders it placed from orders.events.
    await start(SERVICES.order(ns.config, options));
    for (let wave = 2; wave <= 3; wave++) ids.push(...(await placeOrders(`wave${wave}`, 40)));
    await firstOrder.stop();
    running.splice(running.indexOf(firstOrder), 1);
    ids.push(...(await placeOrders('wave4', 40)));
    await eventually(() => expect(ids.filter((id) => placed().has(id))).toHaveLength(ids.length), {
      timeoutMs: 60_000,
      message: 'every wave placed',
    });
    // Inventory back: the reservation outcomes reach the second instance, which must know every order.
    running.unshift(await start(SERVICES.inventory(ns.config, options)));
    await eventually(() => expect(paymentRequested(ids)).toBe(ids.length), {
      timeoutMs: 90_000,
      message: 'every order reaches payment through the second instance',
    });
    expectNoDuplicates();
    const rejected = seen
      .of('commerce.command-replies')
      .filter((r) => ids.includes(r.value.aggregateId) && r.value.outcome === 'rejected');
    expect(rejected).toEqual([]);
  });
});
