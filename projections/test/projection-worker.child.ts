/**
 * One projection worker in its own process, so a test can SIGKILL it at any instant. Small fetches (many batches)
 * give the kills many places to land. Prints `ready` once folding.
 */
import { loadConfig } from '@streamshop/config';
import { createProjectionWorker } from '@streamshop/projection-runtime';
import { PROJECTIONS, type ProjectionName } from '../src/definitions.ts';
import { readSideWiring } from '../src/wiring.ts';
import { fastConsumer, logger } from './read-side.fixture.ts';

const model = (process.argv[2] ?? 'orders') as ProjectionName;
const side = await readSideWiring(loadConfig(), {
  prefix: process.env.NS_PREFIX ?? '',
  database: process.env.NS_DATABASE ?? '',
  redisPrefix: process.env.NS_REDIS_PREFIX ?? '',
  logger,
});
const worker = createProjectionWorker(PROJECTIONS[model] as never, side, {
  controlPollMs: 200,
  consumer: { ...fastConsumer, maxBytesPerPartition: Number(process.env.MAX_BYTES ?? 16_384) },
});
await worker.start();
console.log('ready');
