/** The command tree. Each group lives in its own module; this file only assembles them. */
import { Command } from 'commander';
import { catalogCommand } from './catalog.command.ts';
import { eventsCommand } from './events.command.ts';
import { fuzzCommand } from './fuzz.command.ts';
import { notificationsCommand } from './notifications.command.ts';
import { projectionsCommand } from './projections.command.ts';
import { runCommand } from './run.command.ts';
import { seedCommand } from './seed.command.ts';
import { stackCommand, upCommand } from './stack.command.ts';
import { topicsCommand } from './topics.command.ts';
import { webhooksCommand } from './webhooks.command.ts';

export function program(): Command {
  const cli = new Command('streamshop')
    .description('streamshop: event-sourced commerce on Kafka. Run the platform, operate it, read its events.')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ streamshop up                    bring up the platform and print what runs where
  $ streamshop stack status          every server of the local stack, its version, port and health
  $ streamshop stack logs kafka -n 50
  $ streamshop topics ensure          create or verify every topic of the catalog
  $ streamshop run services          run catalog, inventory, order, payment and user until Ctrl-C
  $ streamshop run services --only order,inventory

Configuration comes from environment variables (see docs/stack.md), e.g. STREAMSHOP_KAFKA_PORT=29092.`,
    );
  cli.exitOverride();
  cli.addCommand(upCommand());
  cli.addCommand(stackCommand());
  cli.addCommand(topicsCommand());
  cli.addCommand(runCommand());
  cli.addCommand(seedCommand());
  cli.addCommand(catalogCommand());
  cli.addCommand(eventsCommand());
  cli.addCommand(projectionsCommand());
  cli.addCommand(fuzzCommand());
  cli.addCommand(webhooksCommand());
  cli.addCommand(notificationsCommand());
  return cli;
}
