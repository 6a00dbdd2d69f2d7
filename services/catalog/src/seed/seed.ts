/**
 * Seeds the demo catalog through the front door: CreateProduct commands to catalog.commands and ReceiveStock to
 * inventory.commands, as the gateway would send them, then waits for the services' replies on
 * commerce.command-replies. Nothing is written around the deciders, so the seeded products are ordinary events.
 *
 * Running it again creates nothing twice:
 * - a product's id is derived from its SKU, so a second CreateProduct targets the same aggregate, and the decider
 *   accepts it with no event when the product is the same (the seeder counts it as already there; one that differs
 *   is rejected with `product_already_exists`, counted the same). The CreateProduct command
 *   id is derived from the run, not only the SKU: the runtime answers a repeated command id with its original
 *   "accepted", which would hide that the product existed.
 * - a SKU's ReceiveStock command id is derived from the SKU alone, so the inventory service's dedupe answers a
 *   repeat with the original result and no second StockReceived. It is sent on every run, so a run interrupted
 *   between the two commands still ends with the stock in place. (The runtime remembers an aggregate's last 1000
 *   commands; a demo SKU that saw more than that since it was seeded would be stocked again, which a demo survives.)
 *
 * All commands of a run share one correlation id, so their replies share one partition of the replies topic; the
 * waiter reads from that topic's end offsets taken before sending.
 */
import { randomUUID } from 'node:crypto';
import { commandEnvelope, deterministicId, topicOffsets } from '@streamshop/eventsourcing-kafka';
import type { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { CommandReply, CreateProduct, ReceiveStock } from '@streamshop/schemas/types';
import { type Kafka, Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import { productIdFor } from '../domain/product.ids.ts';
import { DEMO_CATALOG, type DemoProduct, demoImageUrl } from './demo-catalog.ts';

export interface SeedOptions {
  kafka: Kafka;
  /** An Avro serde with the same prefix (subjects are named after the prefixed topics). */
  serde: AvroSerde;
  /** Topic prefix (tests, isolated environments). */
  prefix?: string;
  logger?: Logger;
  /** Wait for every command's reply (default true). Without waiting, the report only counts what was sent. */
  waitForReplies?: boolean;
  /** How long to wait for the replies (default 60 s). */
  timeoutMs?: number;
  /** The products to seed (default: the demo catalog). */
  products?: readonly DemoProduct[];
}

export interface SeedReport {
  /** Products in the seed. */
  products: number;
  /** Products this run created; null when it did not wait for the replies. */
  created: number | null;
  /** Products that were already in the catalog; null when it did not wait for the replies. */
  alreadyExisted: number | null;
  /** SKUs whose initial stock is in (received now, or by an earlier run); null when it did not wait. */
  stocked: number | null;
  /** SKUs seeded without stock (initial stock 0: listed, out of stock). */
  withoutStock: number;
  /** The correlation id every command of this run carried (search the replies and events for it). */
  correlationId: string;
}

/** Seeding could not finish; the message says what to do. Commands already sent stay queued and are idempotent. */
export class SeedError extends Error {
  override name = 'SeedError';
}

/** The product id of a demo SKU: the same on every machine and every run (any SKU's product id, in fact). */
export const demoProductId = productIdFor;

/** The id of the one ReceiveStock that stocks a demo SKU initially, whichever run sends it. */
export const demoStockCommandId = (sku: string): string => deterministicId('demo-catalog', 'ReceiveStock', sku);

const SEED_REFERENCE = 'demo catalog: initial stock';

interface Outgoing {
  topic: 'catalog.commands' | 'inventory.commands';
  kind: 'CreateProduct' | 'ReceiveStock';
  sku: string;
  key: string;
  value: Buffer;
  commandId: string;
}

export async function seedDemoCatalog(options: SeedOptions): Promise<SeedReport> {
  const { kafka, serde, prefix = '', logger, waitForReplies = true, timeoutMs = 60_000 } = options;
  const products = options.products ?? DEMO_CATALOG;
  const correlationId = `demo-seed-${randomUUID()}`;
  const issuedAt = Date.now();

  const outgoing: Outgoing[] = [];
  for (const p of products) {
    const productId = demoProductId(p.sku);
    const create: CreateProduct = {
      ...commandEnvelope({
        commandId: deterministicId(correlationId, 'CreateProduct', p.sku),
        aggregateId: productId,
        issuedAt,
        correlationId,
      }),
      sku: p.sku,
      name: p.name,
      description: p.description,
      category: p.category,
      price: p.price,
      imageUrl: demoImageUrl(p.sku),
    };
    outgoing.push({
      topic: 'catalog.commands',
      kind: 'CreateProduct',
      sku: p.sku,
      key: productId,
      commandId: create.commandId,
      value: await serde.encode('catalog.commands', 'streamshop.catalog.CreateProduct', create),
    });
    if (p.stock > 0) {
      const receive: ReceiveStock = {
        ...commandEnvelope({ commandId: demoStockCommandId(p.sku), aggregateId: p.sku, issuedAt, correlationId }),
        quantity: p.stock,
        reference: SEED_REFERENCE,
      };
      outgoing.push({
        topic: 'inventory.commands',
        kind: 'ReceiveStock',
        sku: p.sku,
        key: p.sku,
        commandId: receive.commandId,
        value: await serde.encode('inventory.commands', 'streamshop.inventory.ReceiveStock', receive),
      });
    }
  }
  const withoutStock = products.filter((p) => p.stock <= 0).length;

  const replies = waitForReplies ? await replyWaiter(kafka, serde, prefix, correlationId, outgoing) : undefined;
  try {
    // Not idempotent: a record the client retries and writes twice is a repeated command, which the ids above
    // make harmless.
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      // The Java client's partitioner, as every streamshop producer uses: commands must land on the partition the
      // command service expects for their key.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      await producer.sendBatch({
        topicMessages: (['catalog.commands', 'inventory.commands'] as const)
          .map((t) => ({
            topic: topicName(t, prefix),
            messages: outgoing.filter((o) => o.topic === t).map((o) => ({ key: o.key, value: o.value })),
          }))
          .filter((t) => t.messages.length > 0),
      });
    } finally {
      await producer.disconnect();
    }
    logger?.info({ commands: outgoing.length, correlationId }, 'demo catalog: commands sent');
    if (!replies) {
      return {
        products: products.length,
        created: null,
        alreadyExisted: null,
        stocked: null,
        withoutStock,
        correlationId,
      };
    }

    const answered = await replies.all(timeoutMs);
    let created = 0;
    let alreadyExisted = 0;
    let stocked = 0;
    const failures: string[] = [];
    for (const o of outgoing) {
      const reply = answered.get(o.commandId)!;
      if (reply.outcome === 'accepted') {
        // An identical CreateProduct decides nothing: the product was there already.
        if (o.kind === 'CreateProduct' && reply.eventIds.length === 0) alreadyExisted++;
        else if (o.kind === 'CreateProduct') created++;
        else stocked++;
      } else if (o.kind === 'CreateProduct' && reply.rejectionCode === 'product_already_exists') {
        alreadyExisted++;
      } else {
        failures.push(`${o.kind} ${o.sku}: ${reply.rejectionCode} (${reply.rejectionDetail ?? 'no detail'})`);
      }
    }
    if (failures.length > 0) {
      throw new SeedError(
        `the demo catalog was not fully accepted:\n  ${failures.join('\n  ')}\nFix the demo data (services/catalog/src/seed/demo-catalog.ts) and seed again.`,
      );
    }
    const report = { products: products.length, created, alreadyExisted, stocked, withoutStock, correlationId };
    logger?.info(report, 'demo catalog seeded');
    return report;
  } finally {
    await replies?.stop();
  }
}

/**
 * Listens on the replies topic from its current end, before anything is sent (a reply cannot slip past), and
 * resolves once every command of the run has its reply.
 */
async function replyWaiter(kafka: Kafka, serde: AvroSerde, prefix: string, correlationId: string, sent: Outgoing[]) {
  const topic = topicName('commerce.command-replies', prefix);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await topicOffsets(admin, topic).finally(() => admin.disconnect());

  const expected = new Map(sent.map((o) => [o.commandId, o]));
  const answered = new Map<string, CommandReply>();
  let onProgress: () => void = () => {};
  let crashed: Error | undefined;
  const consumer = kafka.consumer({
    groupId: `${prefix}demo-seed-${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 100,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    crashed = payload.error;
    onProgress();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (message.key?.toString() !== correlationId || !message.value) return;
      const { value } = await serde.decode(message.value);
      const reply = value as CommandReply;
      if (expected.has(reply.commandId) && !answered.has(reply.commandId)) {
        answered.set(reply.commandId, reply);
        onProgress();
      }
    },
  });
  for (const { partition, offset } of ends) consumer.seek({ topic, partition, offset });

  return {
    all(timeoutMs: number): Promise<Map<string, CommandReply>> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const missing = [...expected.values()].filter((o) => !answered.has(o.commandId));
          const byKind = (kind: Outgoing['kind']) => missing.filter((o) => o.kind === kind).length;
          reject(
            new SeedError(
              `no reply within ${Math.round(timeoutMs / 1000)} s to ${byKind('CreateProduct')} CreateProduct (catalog service) and ${byKind('ReceiveStock')} ReceiveStock (inventory service) commands. ` +
                'Are the command services running? Start them with `npx streamshop run services` (or run `npx streamshop up`); the commands stay queued and seeding again is safe.',
            ),
          );
        }, timeoutMs);
        onProgress = () => {
          if (crashed) {
            clearTimeout(timer);
            reject(
              new SeedError(
                `reading ${topic} failed (${crashed.message}); is Kafka up? \`npx streamshop stack status\``,
              ),
            );
          } else if (answered.size === expected.size) {
            clearTimeout(timer);
            resolve(answered);
          }
        };
        onProgress();
      });
    },
    stop: () => consumer.disconnect(),
  };
}
