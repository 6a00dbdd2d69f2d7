/**
 * The projection workers: one per read model, each its own consumer group, in this process (`startProjections`)
 * or alone (`npx tsx projections/src/main.ts [model…]`). Which models run where is a deployment choice; Kafka's
 * group protocol spreads partitions over however many instances run.
 */
import { isEntryPoint, runService } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import {
  createProjectionWorker,
  type ProjectionDefinition,
  type ProjectionWorkerOptions,
} from '@streamshop/projection-runtime';
import { isProjectionName, PROJECTION_NAMES, PROJECTIONS, type ProjectionName } from './definitions.ts';
import { type ReadSide, type ReadSideOptions, readSideWiring } from './wiring.ts';

export interface ProjectionsOptions extends ReadSideOptions {
  only?: ProjectionName[];
  worker?: ProjectionWorkerOptions;
}

export function startProjections(
  config: Config,
  options: ProjectionsOptions = {},
): Runnable & { models: ProjectionName[] } {
  const models = options.only ?? PROJECTION_NAMES;
  let side: ReadSide | undefined;
  const workers: Runnable[] = [];
  return {
    models,
    async start() {
      side = await readSideWiring(config, options);
      for (const model of models) {
        const definition: ProjectionDefinition = PROJECTIONS[model];
        const worker = createProjectionWorker(definition, side, {
          ...(options.consumer ? { consumer: options.consumer } : {}),
          ...options.worker,
        });
        await worker.start();
        workers.push(worker);
      }
      side.logger.info({ models }, 'projection workers running');
    },
    async stop() {
      await Promise.allSettled(workers.splice(0).map((w) => w.stop()));
      await side?.close();
      side = undefined;
    },
  };
}

if (isEntryPoint(import.meta.url)) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((m) => !isProjectionName(m));
  if (unknown.length > 0) {
    console.error(`unknown read model ${unknown.join(', ')}; choose from ${PROJECTION_NAMES.join(', ')}`);
    process.exit(2);
  }
  await runService('projections', (config, options) =>
    startProjections(config, { ...options, ...(asked.length > 0 ? { only: asked as ProjectionName[] } : {}) }),
  );
}
