/**
 * Entry for the dlq tests while `dlq` is not yet mounted under `streamshop projections` in program.ts: the same
 * command object, under the same path, with main.ts's way of reporting errors (message, exit code 1).
 */
import { StepError } from '@streamshop/stack';
import { Command, CommanderError } from 'commander';
import { dlqCommand } from '../src/dlq.command.ts';

const cli = new Command('streamshop').exitOverride();
cli.addCommand(new Command('projections').addCommand(dlqCommand()));
try {
  await cli.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  console.error(err instanceof StepError ? `streamshop: ${err.message}` : err);
  process.exitCode = 1;
}
