/**
 * The generations of each read model and which one is active, kept in MongoDB (`projection_control`, one document
 * per model) and mirrored in Redis for the query side. The switch of the active generation is one conditional
 * update of that document (compare-and-set on the previous active generation), so two operators rebuilding at
 * once cannot both win, and readers see either the old or the new generation, never a mix.
 *
 * The handoff fields let a rebuild and the running worker agree on the switch: the rebuild asks the worker to let
 * go of the old generation (`handoff.to`), the worker stops folding it and answers with the offsets it had
 * committed (`handoff.released`), the rebuild folds at least that far, then switches. So the new generation holds
 * everything the old one held at the switch: queries never lose a document.
 */
import type { ReadCache, ReadModelName } from '@streamshop/read-cache';
import type { Collection, Db } from 'mongodb';
import { generationCollection } from './definition.ts';

export type GenerationState = 'building' | 'active' | 'retired' | 'point-in-time' | 'dropped' | 'failed';

export interface GenerationInfo {
  generation: number;
  collection: string;
  groupId: string;
  state: GenerationState;
  createdAt: number;
  activatedAt?: number;
  retiredAt?: number;
  /** Retired generations are dropped after this time unless `keep`. */
  dropAfter?: number;
  keep?: boolean;
  /** Point-in-time copies: events that occurred before this instant (epoch ms). */
  until?: number;
}

/** Committed offsets per physical topic and partition (an array: topic names contain dots, field names must not). */
export type Offsets = { topic: string; partition: number; offset: string }[];

export interface ControlDocument {
  _id: ReadModelName;
  active: number;
  next: number;
  generations: Record<string, GenerationInfo>;
  handoff: null | { from: number; to: number; requestedAt: number; released?: { at: number; offsets: Offsets } };
  worker: null | { id: string; generation: number; seenAt: number; eventsPerSecond: number };
  lastError: null | { at: number; generation: number; message: string };
}

export const CONTROL_COLLECTION = 'projection_control';
/**
 * Worker heartbeats and last errors live apart from the control documents: FerretDB applies an update by
 * rewriting the whole document, so a heartbeat every second on the control document could silently undo a
 * rebuild's concurrent write to it (a generation number, the switch itself).
 */
export const WORKERS_COLLECTION = 'projection_workers';

interface WorkerDocument {
  _id: ReadModelName;
  worker?: ControlDocument['worker'];
  lastError?: ControlDocument['lastError'];
}

export function groupIdFor(prefix: string, model: string, generation: number): string {
  const base = `projection.${model}.g${generation}`;
  const p = prefix.replace(/\.$/, '');
  return p ? `${p}.${base}` : base;
}

export interface GenerationControl {
  read(model: ReadModelName): Promise<ControlDocument | null>;
  /** Creates generation 1 as the active one the first time a model is used; returns the document. */
  ensure(model: ReadModelName, collection: string): Promise<ControlDocument>;
  /** Reserves the next generation number and records it (building, or a point-in-time copy). */
  allocate(model: ReadModelName, collection: string, options?: { until?: number }): Promise<GenerationInfo>;
  /**
   * Compare-and-set of the active generation; false when someone else switched first, or, given `releasedAt`, when
   * the handoff released then is no longer standing (the worker gave up waiting and resumed the old generation, so
   * it holds events the new one may not).
   */
  activate(
    model: ReadModelName,
    from: number,
    to: number,
    retire: { dropAfter: number; keep: boolean },
    releasedAt?: number,
  ): Promise<boolean>;
  setState(model: ReadModelName, generation: number, state: GenerationState): Promise<void>;
  requestHandoff(model: ReadModelName, from: number, to: number): Promise<void>;
  releaseHandoff(model: ReadModelName, from: number, offsets: Offsets): Promise<void>;
  clearHandoff(model: ReadModelName): Promise<void>;
  heartbeat(model: ReadModelName, worker: NonNullable<ControlDocument['worker']>): Promise<void>;
  clearWorker(model: ReadModelName, workerId: string): Promise<void>;
  recordError(model: ReadModelName, generation: number, message: string): Promise<void>;
  /** Mirrors the active generation into Redis (and announces it) when the mirror differs. */
  mirror(model: ReadModelName, active: number): Promise<void>;
}

export function createGenerationControl(options: {
  db: Db;
  prefix: string;
  cache: ReadCache | null;
}): GenerationControl {
  const col = options.db.collection<ControlDocument>(CONTROL_COLLECTION) as Collection<ControlDocument>;
  const workers = options.db.collection<WorkerDocument>(WORKERS_COLLECTION);
  const info = (model: string, collection: string, generation: number, state: GenerationState): GenerationInfo => ({
    generation,
    collection: generationCollection(collection, generation),
    groupId: groupIdFor(options.prefix, model, generation),
    state,
    createdAt: Date.now(),
  });

  // FerretDB leaves out fields an upsert's $setOnInsert sets to null; readers get them back as null.
  const withWorker = async (doc: ControlDocument | null): Promise<ControlDocument | null> => {
    if (!doc) return null;
    const w = await workers.findOne({ _id: doc._id });
    return { ...doc, handoff: doc.handoff ?? null, worker: w?.worker ?? null, lastError: w?.lastError ?? null };
  };

  const control: GenerationControl = {
    read: async (model) => withWorker(await col.findOne({ _id: model })),
    async ensure(model, collection) {
      const first = { ...info(model, collection, 1, 'active'), activatedAt: Date.now() };
      await col.updateOne(
        { _id: model },
        {
          $setOnInsert: {
            active: 1,
            next: 2,
            generations: { g1: first },
            handoff: null,
          },
        },
        { upsert: true },
      );
      return (await withWorker(await col.findOne({ _id: model }))) as ControlDocument;
    },
    async allocate(model, collection, opts = {}) {
      await control.ensure(model, collection);
      const before = await col.findOneAndUpdate({ _id: model }, { $inc: { next: 1 } }, { returnDocument: 'before' });
      const generation = (before as ControlDocument).next;
      const g: GenerationInfo = {
        ...info(model, collection, generation, opts.until === undefined ? 'building' : 'point-in-time'),
        ...(opts.until === undefined ? {} : { until: opts.until }),
      };
      await col.updateOne({ _id: model }, { $set: { [`generations.g${generation}`]: g } });
      return g;
    },
    async activate(model, from, to, retire, releasedAt) {
      const now = Date.now();
      const result = await col.updateOne(
        releasedAt === undefined
          ? { _id: model, active: from }
          : { _id: model, active: from, 'handoff.to': to, 'handoff.released.at': releasedAt },
        {
          $set: {
            active: to,
            handoff: null,
            [`generations.g${to}.state`]: 'active',
            [`generations.g${to}.activatedAt`]: now,
            [`generations.g${from}.state`]: 'retired',
            [`generations.g${from}.retiredAt`]: now,
            [`generations.g${from}.dropAfter`]: retire.dropAfter,
            [`generations.g${from}.keep`]: retire.keep,
          },
        },
      );
      if (result.modifiedCount !== 1) return false;
      await control.mirror(model, to);
      return true;
    },
    async setState(model, generation, state) {
      await col.updateOne({ _id: model }, { $set: { [`generations.g${generation}.state`]: state } });
    },
    async requestHandoff(model, from, to) {
      await col.updateOne({ _id: model, active: from }, { $set: { handoff: { from, to, requestedAt: Date.now() } } });
    },
    async releaseHandoff(model, from, offsets) {
      await col.updateOne(
        { _id: model, 'handoff.from': from },
        { $set: { 'handoff.released': { at: Date.now(), offsets } } },
      );
    },
    async clearHandoff(model) {
      await col.updateOne({ _id: model }, { $set: { handoff: null } });
    },
    async heartbeat(model, worker) {
      await workers.updateOne({ _id: model }, { $set: { worker } }, { upsert: true });
    },
    async clearWorker(model, workerId) {
      await workers.updateOne({ _id: model, 'worker.id': workerId }, { $set: { worker: null } });
    },
    async recordError(model, generation, message) {
      await workers.updateOne(
        { _id: model },
        { $set: { lastError: { at: Date.now(), generation, message } } },
        { upsert: true },
      );
    },
    async mirror(model, active) {
      if (!options.cache) return;
      if ((await options.cache.activeGeneration(model)) !== active)
        await options.cache.setActiveGeneration(model, active);
    },
  };
  return control;
}
