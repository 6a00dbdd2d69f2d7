/**
 * `streamshop run services`: the command services in one process (catalog, inventory, order with its saga and
 * payment deadlines, payment with its Stripe and refund adapters, user recording Clerk's webhooks, invoicing
 * numbering invoices and credit notes, notification owing and sending e-mails), after making sure the topics exist,
 * until SIGINT/SIGTERM. Each service is the same `start<Name>Service` its own `main.ts` runs alone, so one process
 * or several is a deployment choice, not a code path.
 */
import { startCatalogService } from '@streamshop/catalog-service/main';
import { allOf, ensureCatalogTopics as ensureTopicsFor } from '@streamshop/command-service';
import { loadConfig, requireProductionSecrets } from '@streamshop/config';
import { runUntilSignal } from '@streamshop/eventsourcing-kafka';
import { startInventoryService } from '@streamshop/inventory-service/main';
import { startInvoicingService } from '@streamshop/invoicing-service/main';
import { startNotificationService } from '@streamshop/notification-service/main';
import { startOrderService } from '@streamshop/order-service/main';
import { startPaymentService } from '@streamshop/payment-service/main';
import { StepError } from '@streamshop/stack';
import { startUserService } from '@streamshop/user-service/main';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';

export const SERVICES = {
  catalog: startCatalogService,
  inventory: startInventoryService,
  invoicing: startInvoicingService,
  notification: startNotificationService,
  order: startOrderService,
  payment: startPaymentService,
  user: startUserService,
} as const;
export type ServiceName = keyof typeof SERVICES;
const NAMES = Object.keys(SERVICES) as ServiceName[];

/** `order,inventory` → the services named, in the catalog's order; unknown names are an error naming the valid ones. */
export function parseServiceList(value: string): ServiceName[] {
  const asked = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.filter((s) => !(NAMES as string[]).includes(s));
  if (unknown.length > 0 || asked.length === 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown service ${unknown.join(', ')}` : 'no service named'}; choose from ${NAMES.join(', ')}`,
    );
  }
  return NAMES.filter((n) => asked.includes(n));
}

export function runCommand(): Command {
  const run = new Command('run').description('Run streamshop processes in the foreground');
  run
    .command('services')
    .description('Ensure the topics, then run the command services in this process until SIGINT/SIGTERM')
    .option('--only <names>', `comma-separated subset of ${NAMES.join(', ')}`, parseServiceList)
    .option('--prefix <prefix>', 'topic name prefix (isolated environments)', '')
    .addHelpText(
      'after',
      `
Examples:
  $ streamshop run services                        all of them: ${NAMES.join(', ')}
  $ streamshop run services --only order,inventory
  $ STREAMSHOP_LOG_LEVEL=debug streamshop run services --only payment
  $ ORDER_PAYMENT_TIMEOUT_MS=60000 TIMER_INTERVAL_MS=1000 streamshop run services   short deadlines for a demo

Each service also runs alone: npx tsx services/<name>/src/main.ts. Ctrl-C stops gracefully (in-flight batches
commit, consumer groups are left); a second Ctrl-C exits at once.`,
    )
    .action(async (opts: { only?: ServiceName[]; prefix: string }) => {
      const config = loadConfig();
      const names = opts.only ?? NAMES;
      // The same refusal as each service's own main.ts: outside dev mode, no stand-in secrets.
      requireProductionSecrets(
        config,
        names.map((name) => `${name}-service`),
      );
      const logger = pino({ level: config.logLevel });
      try {
        await ensureTopicsFor(config, logger, opts.prefix);
      } catch (err) {
        throw new StepError(
          `cannot prepare the topics on Kafka at ${config.kafka.brokers.join(',')} (${(err as Error).message}); start the stack with \`npx streamshop stack up\` or set KAFKA_BROKERS`,
        );
      }
      const services = names.map((name) => SERVICES[name](config, { prefix: opts.prefix, logger }));
      logger.info({ services: names, prefix: opts.prefix || undefined }, 'starting services');
      await runUntilSignal([allOf(services)], { logger });
    });
  return run;
}
