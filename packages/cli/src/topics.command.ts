/** `streamshop topics …`: the topic catalog (schemas/src/topics.ts) made real on the broker. */
import { type Config, loadConfig } from '@streamshop/config';
import { describeTopics, type EnsureTopicsResult, ensureTopics, TopicMismatchError } from '@streamshop/schemas/topics';
import { StepError } from '@streamshop/stack';
import { Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';

export function topicsCommand(): Command {
  const topics = new Command('topics')
    .description('The Kafka topics streamshop uses, from the topic catalog')
    .addHelpText(
      'after',
      `
Examples:
  $ streamshop topics list              names, partitions, keys and retention from the catalog
  $ streamshop topics ensure            create the missing topics, verify the others (idempotent)
  $ streamshop topics ensure --prefix dev1.   the same set under a prefix (isolated environments)`,
    );

  topics
    .command('list')
    .description('Print the topic catalog (no broker needed)')
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--json', 'print JSON')
    .action((opts: { prefix: string; json?: boolean }) => {
      const rows = describeTopics({ prefix: opts.prefix });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const t of rows) {
        const config = Object.entries(t.config)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        console.log(`${t.topic.padEnd(34)} partitions=${String(t.partitions).padEnd(3)} ${config}`);
      }
    });

  topics
    .command('ensure')
    .description('Create missing topics and verify existing ones against the catalog; fails naming any mismatch')
    .option('--prefix <prefix>', 'topic name prefix', '')
    .action(async (opts: { prefix: string }) => {
      const r = await ensureCatalogTopics(loadConfig(), opts.prefix);
      for (const t of r.created) console.log(`created   ${t}`);
      for (const t of r.verified) console.log(`verified  ${t}`);
    });
  return topics;
}

/** Creates or verifies every catalog topic; errors name the fix (start the stack, or recreate a mismatched topic). */
export async function ensureCatalogTopics(config: Config, prefix = ''): Promise<EnsureTopicsResult> {
  const kafka = new Kafka({
    clientId: `${config.kafka.clientId}-topics`,
    brokers: config.kafka.brokers,
    logLevel: logLevel.ERROR,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new StepError(
      `cannot reach Kafka at ${config.kafka.brokers.join(',')} (${(err as Error).message}); start it with \`npx streamshop stack up\` or set KAFKA_BROKERS`,
    );
  }
  try {
    return await ensureTopics(admin, { prefix });
  } catch (err) {
    if (err instanceof TopicMismatchError) throw new StepError(err.message);
    throw err;
  } finally {
    await admin.disconnect();
  }
}
