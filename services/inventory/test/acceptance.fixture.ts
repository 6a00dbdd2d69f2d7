/**
 * What the hardest acceptance tests (oversell, crash, fencing) need beyond the order tests' running-services
 * fixture (whose Avro command sender and read_committed observer they reuse): any subset of the real services
 * under the test's prefix with a logger that keeps what operators would read (fencings, partition rebuilds), a
 * view of the raw log including aborted transactions, a child-process runner for a service the test SIGKILLs,
 * and the checks every one of these tests makes on an event stream.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { startCatalogService } from '@streamshop/catalog-service/main';
import { type ServiceOptions, serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { startOrderService } from '@streamshop/order-service/main';
import { startPaymentService } from '@streamshop/payment-service/main';
import { type AvroSerde, type OrderLine, type RecordName, type TopicName, topicName } from '@streamshop/schemas';
import { fastConsumer, type Namespace } from '@streamshop/testkit';
import { type Logger, pino } from 'pino';
import { ADDRESS } from '../../order/src/domain/order.fixtures.ts';
import { command, type Observed } from '../../order/test/running-services.fixture.ts';
import { startInventoryService } from '../src/main.ts';

export { command, commandSender, type Observed, observe } from '../../order/test/running-services.fixture.ts';

/** The running-services fixture's consumer timeouts (it does not export them): rebalances in seconds. */

export const receiveStock = (sku: string, quantity: number) =>
  command('streamshop.inventory.ReceiveStock', sku, { quantity, reference: `receipt-${sku}` });

export const placeOrder = (orderId: string, lines: OrderLine[]) =>
  command('streamshop.orders.PlaceOrder', orderId, {
    customerId: 'user_acceptance',
    lines,
    shippingAddress: ADDRESS,
    currency: 'EUR',
    paymentProvider: 'stripe',
    contact: null,
  });

export const oneUnitOf = (sku: string): OrderLine[] => [
  { sku, quantity: 1, unitPrice: { amount: 1000, currency: 'EUR' }, name: null, category: null },
];

export const ofType = (records: Observed[], type: RecordName) => records.filter((r) => r.type === type);

export const SERVICES = {
  catalog: startCatalogService,
  inventory: startInventoryService,
  order: startOrderService,
  payment: startPaymentService,
} satisfies Record<string, (config: Config, options: ServiceOptions) => Runnable>;
export type ServiceName = keyof typeof SERVICES;

/** One parsed log line (pino JSON). */
export type LogLine = { level: number; msg: string } & Record<string, unknown>;

/**
 * A logger that keeps every line (info and up) and prints from `printFrom` up (TEST_LOG_LEVEL overrides it); a
 * test that provokes warnings on purpose (fencings) prints from `error`.
 */
export function capturingLogger(printFrom = 'warn'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const print = pino.levels.values[process.env.TEST_LOG_LEVEL ?? printFrom] ?? 40;
  const logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        const parsed = JSON.parse(line) as LogLine;
        lines.push(parsed);
        if (parsed.level >= print) process.stderr.write(line);
      },
    },
  );
  return { logger, lines };
}

export function testServiceOptions(prefix: string, logger: Logger): ServiceOptions {
  return { prefix, logger, consumer: fastConsumer, fencedBackoffMs: 2_000 };
}

/** Starts the named services in order (the catalog's topics must exist); stop them in reverse. */
export async function startNamedServices(
  config: Config,
  names: ServiceName[],
  options: ServiceOptions,
): Promise<Runnable[]> {
  const started: Runnable[] = [];
  for (const name of names) {
    const service = SERVICES[name](config, options);
    await service.start();
    started.push(service);
  }
  return started;
}

/** The name a service runs under with this prefix: its consumer group, and the stem of its transactional ids. */
export const serviceNameOf = (config: Config, name: ServiceName, prefix: string): string =>
  serviceWiring(config, `${name}-service`, { prefix }).service;

/** The log lines where a runtime said a newer owner fenced its producer for a partition. */
export const fencingsIn = (lines: LogLine[], service: string) =>
  lines.filter((l) => l.service === service && l.msg === 'producer fenced by a newer owner; pausing the partition');

export interface RebuildReport {
  partition: number;
  aggregates: number;
  snapshots: number;
  replayed: number;
  ms: number;
}
/** The runtime's per-partition rebuild reports. */
export const rebuildsIn = (lines: LogLine[]) =>
  lines.filter((l) => l.msg === 'partition state rebuilt') as unknown as RebuildReport[];

/**
 * Everything in the log of `topic`, aborted transactions included (read_uncommitted): what a read_committed
 * consumer must never see is visible here, which proves an abort really happened rather than a write never made.
 */
export async function observeRawLog(ns: Namespace, serde: AvroSerde, topic: TopicName) {
  const records: Observed[] = [];
  const consumer = ns.kafka.consumer({
    groupId: `${ns.id}-raw-${randomUUID()}`,
    readUncommitted: true,
    ...fastConsumer,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(topic, ns.topicPrefix), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const decoded = await serde.decode(message.value ?? Buffer.alloc(0)).catch(() => ({ type: '?', value: {} }));
      records.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        headers: {},
        ...(decoded as unknown as Pick<Observed, 'type' | 'value'>),
      });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** Groups records by a key, keeping log order inside each group. */
export function groupBy<T>(records: T[], keyOf: (r: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of records) {
    const k = keyOf(r);
    const list = groups.get(k) ?? [];
    list.push(r);
    groups.set(k, list);
  }
  return groups;
}

/** Aggregates whose versions do not read 1..n in log order (something doubled or missing), with their versions. */
export function versionGaps(events: Observed[]): string[] {
  const problems: string[] = [];
  for (const [id, list] of groupBy(events, (e) => String(e.value.aggregateId))) {
    const versions = list.map((e) => Number(e.value.aggregateVersion));
    if (versions.some((v, i) => v !== i + 1)) problems.push(`${id}: ${versions.join(',')}`);
  }
  return problems;
}

/**
 * Runs a `*.child.ts` script under tsx in its own process; resolves once it prints `ready`. Every other stdout
 * line goes to `onLine`.
 */
export function spawnChild(
  script: string,
  args: string[],
  children: ChildProcess[],
  onLine: (line: string) => void = () => {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') resolve(child);
        else if (line !== '') onLine(line);
      }
    });
    child.on('exit', (code, signal) => reject(new Error(`${script} exited before ready (${code ?? signal})`)));
  });
}

/** SIGKILL, then wait until the process is gone (its sockets closed, as after a real crash). */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}
