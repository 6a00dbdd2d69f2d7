export {
  CONTROL_COLLECTION,
  type ControlDocument,
  createGenerationControl,
  type GenerationControl,
  type GenerationInfo,
  type GenerationState,
  groupIdFor,
  WORKERS_COLLECTION,
} from './control.ts';
export {
  type DocTarget,
  type EventName,
  generationCollection,
  type InternalFields,
  type ProjectedEvent,
  type ProjectionDefinition,
  ProjectionError,
  publicFields,
  type ReadModelDocument,
  streamOf,
} from './definition.ts';
export { type FoldResult, foldBatch, type StoredDocument } from './fold.ts';
export {
  type BatchReport,
  createGenerationFold,
  type FoldDeps,
  type GenerationFold,
  type GenerationFoldOptions,
} from './generation-fold.ts';
export { given, projected } from './given.ts';
export { committedOffsets, endOffsets, lagOf } from './offsets.ts';
export {
  createProjectionWorker,
  dropGeneration,
  type ProjectionWorker,
  type ProjectionWorkerOptions,
} from './projection-worker.ts';
export {
  RebuildError,
  type RebuildOptions,
  type RebuildPhase,
  type RebuildProgress,
  type RebuildResult,
  rebuildProjection,
} from './rebuild.ts';
export { type ProjectionStatus, projectionStatus } from './status.ts';
export { loadDocuments, WriteConflict, writeDocuments } from './store.ts';
