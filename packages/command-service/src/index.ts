/**
 * `@streamshop/command-service`: the wiring every command service shares on top of the Kafka runtime — the Avro
 * serde adapter, names under a prefix, and the deadline scheduler.
 */
export { avroRuntimeSerde } from './avro-runtime-serde.ts';
export { type Deadline, type DeadlineChange, DeadlineIndex } from './deadline-index.ts';
export { createDeadlineScheduler, type DeadlineSchedulerOptions, type ScheduledCommand } from './deadline-scheduler.ts';
export { ensureCatalogTopics, isEntryPoint, runEntryPoint, runService, ServiceSetupError } from './run-service.ts';
export { allOf, type ServiceOptions, type ServiceWiring, serviceWiring } from './service-wiring.ts';
