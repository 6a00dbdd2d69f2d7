/**
 * The inventory service: the Stock item decider (one aggregate per SKU) run by the shared command processor over
 * inventory.*, and the reservation-expiry scheduler that sends ExpireReservation when a held reservation's TTL
 * passes. `tsx services/inventory/src/main.ts` runs it alone; `startInventoryService` runs it beside the others.
 */

import {
  allOf,
  createDeadlineScheduler,
  isEntryPoint,
  runService,
  type ServiceOptions,
  serviceWiring,
} from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, type Runnable } from '@streamshop/eventsourcing-kafka';
import { expireReservation, trackReservations } from './adapters/reservation-expiry.ts';
import { stockItemDecider, stockItemStateCodec } from './domain/index.ts';

export function startInventoryService(config: Config, options: ServiceOptions = {}): Runnable {
  const w = serviceWiring(config, 'inventory-service', options);
  const topics = w.contextTopics('inventory');
  const processor = createCommandProcessor({
    ...w.runtime,
    service: w.service,
    decider: stockItemDecider,
    stateCodec: stockItemStateCodec,
    serde: w.serde,
    mapping: w.mapping(),
    topics,
  });
  const expiry = createDeadlineScheduler({
    ...w.runtime,
    groupId: `${w.service}-reservation-expiry`,
    eventsTopic: topics.events,
    serde: w.serde,
    intervalMs: config.timers.intervalMs,
    track: trackReservations,
    commandsFor: (deadline, now) => expireReservation(deadline, now, topics.commands),
  });
  return allOf([processor, expiry]);
}

if (isEntryPoint(import.meta.url)) await runService('inventory-service', startInventoryService);
