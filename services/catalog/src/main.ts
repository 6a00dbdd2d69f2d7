/**
 * The catalog service: the Product decider run by the shared command processor over catalog.* (Avro records).
 * `tsx services/catalog/src/main.ts` runs it alone; `startCatalogService` lets `streamshop run services` and the
 * tests run it beside the others, under a topic prefix.
 */

import { isEntryPoint, runService, type ServiceOptions, serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, type Runnable } from '@streamshop/eventsourcing-kafka';
import { productDecider } from './domain/index.ts';

export function startCatalogService(config: Config, options: ServiceOptions = {}): Runnable {
  const w = serviceWiring(config, 'catalog-service', options);
  return createCommandProcessor({
    ...w.runtime,
    service: w.service,
    decider: productDecider,
    serde: w.serde,
    mapping: w.mapping(),
    topics: w.contextTopics('catalog'),
  });
}

if (isEntryPoint(import.meta.url)) await runService('catalog-service', startCatalogService);
