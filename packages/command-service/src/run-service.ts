/**
 * The standalone entry of a service (`tsx services/<name>/src/main.ts`): read the configuration once, make sure the
 * catalog's topics exist (idempotent), then run until SIGTERM/SIGINT, stopping gracefully (in-flight batches
 * commit, groups are left) — the shared `runUntilSignal` does that part.
 */
import { pathToFileURL } from 'node:url';
import { type Config, ConfigError, loadConfig, requireProductionSecrets } from '@streamshop/config';
import { createKafka, type Runnable, runUntilSignal } from '@streamshop/eventsourcing-kafka';
import { type EnsureTopicsResult, ensureTopics } from '@streamshop/schemas/topics';
import { type Logger, pino } from 'pino';
import type { ServiceOptions } from './service-wiring.ts';

/** True when the module at `moduleUrl` is the script node was started with (not imported by another module). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === moduleUrl;
}

/** A setup failure whose message already says what to do (the CLI prints it without a stack trace). */
export class ServiceSetupError extends Error {
  override name = 'ServiceSetupError';
}

/**
 * Creates or verifies every topic of the catalog under `prefix`. Errors name the fix: start the stack or set
 * KAFKA_BROKERS when Kafka is unreachable; `TopicMismatchError` lists any topic whose partitions or policy differ.
 */
export async function ensureCatalogTopics(config: Config, logger: Logger, prefix = ''): Promise<EnsureTopicsResult> {
  const admin = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-admin` },
    logger,
  ).admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new ServiceSetupError(
      `cannot reach Kafka at ${config.kafka.brokers.join(',')} (${(err as Error).message}); start it with \`npx streamshop stack up\` or set KAFKA_BROKERS`,
    );
  }
  try {
    const result = await ensureTopics(admin, { prefix });
    if (result.created.length > 0) logger.info({ created: result.created }, 'topics created');
    return result;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Runs an entry point's `main`. A configuration or setup refusal already says what to do: it is printed as that
 * message alone (no stack trace) and the process exits 1, so a misconfigured deployment fails loudly at start.
 */
export async function runEntryPoint(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof ServiceSetupError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(1);
  }
}

/**
 * A command service's `main`: configuration (refusing missing or local-stack secrets the service uses, outside dev
 * mode), the catalog's topics, then the service until a signal.
 */
export async function runService(
  name: string,
  factory: (config: Config, options: ServiceOptions) => Runnable,
): Promise<void> {
  await runEntryPoint(name, async () => {
    const config = loadConfig();
    requireProductionSecrets(config, name);
    const logger = pino({ level: config.logLevel }).child({ process: name });
    await ensureCatalogTopics(config, logger);
    await runUntilSignal([factory(config, { logger })], { logger });
  });
}
