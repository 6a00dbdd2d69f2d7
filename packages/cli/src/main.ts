/** Entry of the `streamshop` CLI: parses the command line and reports errors the same way for every command. */
import { ServiceSetupError } from '@streamshop/command-service';
import { ConfigError } from '@streamshop/config';
import { TopicMismatchError } from '@streamshop/schemas/topics';
import { StepError } from '@streamshop/stack';
import { CommanderError } from 'commander';
import { program } from './program.ts';

try {
  await program().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (
    err instanceof ConfigError ||
    err instanceof StepError ||
    err instanceof ServiceSetupError ||
    err instanceof TopicMismatchError
  ) {
    console.error(`streamshop: ${err.message}`);
  } else {
    console.error('streamshop: unexpected error:', err);
  }
  process.exitCode = 1;
}
