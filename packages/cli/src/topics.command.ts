/** `streamshop topics …`: the topic catalog (schemas/src/topics.ts) made real on the broker. */
import { ensureCatalogTopics } from '@streamshop/command-service';
import { loadConfig } from '@streamshop/config';
import { describeTopics } from '@streamshop/schemas/topics';
import { Command } from 'commander';
import { pino } from 'pino';

/** The CLI prints its own lines; the library's logs only matter when something fails. */
export const quietLogger = () => pino({ level: 'error' });

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
      const r = await ensureCatalogTopics(loadConfig(), quietLogger(), opts.prefix);
      for (const t of r.created) console.log(`created   ${t}`);
      for (const t of r.verified) console.log(`verified  ${t}`);
    });
  return topics;
}
