/** Entry of the `streamshop` CLI: parses the command line and reports errors the same way for every command. */
import { ConfigError } from '@streamshop/config';
import { StepError } from '@streamshop/stack';
import { CommanderError } from 'commander';
import { program } from './program.ts';

try {
  await program().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof ConfigError || err instanceof StepError) {
    console.error(`streamshop: ${err.message}`);
  } else {
    console.error('streamshop: unexpected error:', err);
  }
  process.exitCode = 1;
}
