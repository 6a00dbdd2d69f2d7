export {
  type ActiveGenerations,
  type ActiveGenerationsOptions,
  DEFAULT_ACTIVE_GENERATION_MAX_AGE_MS,
  followActiveGenerations,
} from './active-generations.ts';
export { isUnknownRevisionKey, READ_MODEL_NAMES, type ReadModelName, readModelKeys, UNKNOWN_REVISION } from './keys.ts';
export {
  type ChangeNotice,
  type ControlNotice,
  createReadCache,
  type ReadCache,
  type ReadCacheOptions,
  type ReadCacheStats,
  type Subscription,
} from './read-cache.ts';
