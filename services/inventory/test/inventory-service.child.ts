/**
 * Runs only the inventory service (its real factory, as main.ts does), in its own process, so crash.int.test.ts
 * can SIGKILL it mid-stream. argv[2]: the test's topic prefix. Its logs go to stdout as JSON lines (the test reads
 * the runtime's rebuild reports from them); it prints `ready` once started.
 */
import { loadConfig } from '@streamshop/config';
import { pino } from 'pino';
import { startInventoryService } from '../src/main.ts';
import { testServiceOptions } from './acceptance.fixture.ts';

const prefix = process.argv[2]!;
const service = startInventoryService(loadConfig(), testServiceOptions(prefix, pino({ level: 'info' })));
await service.start();
process.stdout.write('ready\n');
