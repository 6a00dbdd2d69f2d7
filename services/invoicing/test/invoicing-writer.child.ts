/**
 * One invoicing writer (its real factory, as main.ts runs it) in its own process, so numbering.int.test.ts can
 * SIGKILL it mid-stream. argv[2]: the test's topic prefix. Its logs go to stdout as JSON lines (the test reads the
 * runtime's rebuild and revocation reports from them); it prints `ready` once started.
 */
import { fastConsumer, testConfig } from '@streamshop/testkit';
import { pino } from 'pino';
import { startInvoicingService } from '../src/main.ts';

const prefix = process.argv[2]!;
const service = startInvoicingService(testConfig(), {
  prefix,
  logger: pino({ level: 'info' }),
  consumer: fastConsumer,
  fencedBackoffMs: 2_000,
});
await service.start();
process.stdout.write('ready\n');
