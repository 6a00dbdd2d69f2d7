/** `streamshop seed`: the demo catalog (products, prices, images, initial stock), sent as ordinary commands. */
import { DEMO_CATALOG, SeedError, type SeedReport, seedDemoCatalog } from '@streamshop/catalog-service/seed';
import { ensureCatalogTopics } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { loadConfig } from '@streamshop/config';
import { createKafka } from '@streamshop/eventsourcing-kafka';
import { AvroSerde } from '@streamshop/schemas';
import { StepError } from '@streamshop/stack';
import { Command, InvalidArgumentError } from 'commander';
import { type Logger, pino } from 'pino';
import { quietLogger } from './topics.command.ts';

/** Seeds the demo catalog under `prefix`; a SeedError becomes a StepError (the CLI prints its advice, exits 1). */
export async function seed(
  config: Config,
  options: { prefix?: string; logger?: Logger; waitForReplies?: boolean; timeoutMs?: number } = {},
): Promise<SeedReport> {
  const prefix = options.prefix ?? '';
  const logger = options.logger ?? quietLogger();
  // kafkajs logs retried hiccups (a fresh topic's leader moving) as errors; what fails for good surfaces as ours.
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-seed` },
    options.logger ?? pino({ level: 'fatal' }),
  );
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix });
  try {
    return await seedDemoCatalog({
      kafka,
      serde,
      prefix,
      logger,
      waitForReplies: options.waitForReplies ?? true,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  } catch (err) {
    if (err instanceof SeedError) throw new StepError(err.message);
    throw err;
  }
}

/** One line for people: what the catalog now holds and what this run changed. */
export function describeSeed(r: SeedReport): string {
  if (r.created === null) {
    return `demo catalog: ${r.products} products sent (not waiting for the services' replies)`;
  }
  const stock = `stock for ${r.stocked} SKUs${r.withoutStock > 0 ? `, ${r.withoutStock} listed out of stock` : ''}`;
  return `demo catalog: ${r.products} products (${r.created} created, ${r.alreadyExisted} already there), ${stock}`;
}

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds, e.g. 60');
  return n;
};

export function seedCommand(): Command {
  return new Command('seed')
    .description(
      `Add the demo catalog (${DEMO_CATALOG.length} products with prices, images and stock) through the command services; safe to repeat`,
    )
    .option('--prefix <prefix>', 'topic name prefix (isolated environments)', '')
    .option('--no-wait', "send the commands without waiting for the services' replies")
    .option('--timeout <seconds>', 'how long to wait for the replies', seconds, 60)
    .addHelpText(
      'after',
      `
The catalog and inventory services must be running to answer (\`streamshop up\` runs everything and seeds on its
own; \`streamshop run services\` runs only the services). Seeding twice creates nothing twice: product ids derive
from the SKU and the initial stock is one deduplicated command per SKU.

Examples:
  $ streamshop seed                        seed and wait until every product and its stock is accepted
  $ streamshop seed --prefix dev1.         the same under a topic prefix
  $ streamshop seed --no-wait              queue the commands; the services apply them when they run`,
    )
    .action(async (opts: { prefix: string; wait: boolean; timeout: number }) => {
      const config = loadConfig();
      await ensureCatalogTopics(config, quietLogger(), opts.prefix);
      const report = await seed(config, {
        prefix: opts.prefix,
        waitForReplies: opts.wait,
        timeoutMs: opts.timeout * 1000,
      });
      console.log(`✓ ${describeSeed(report)}`);
    });
}
