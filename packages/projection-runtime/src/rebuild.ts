/**
 * Rebuilding a read model while it serves queries: a new generation folds every event from offset zero into its
 * own collection under its own consumer group; once it has caught up it takes over from the running worker
 * (handoff: the worker stops folding the old generation and reports its offsets, the rebuild folds at least that
 * far) and the active generation switches in one compare-and-set. Queries read the old generation until the
 * switch and the new one after it, so they never fail and never see a half-built model. The old generation is
 * dropped after a grace period (by the worker, or by the rebuild itself when no worker runs) unless kept.
 *
 * With `until`, the rebuild is a point-in-time copy for audits: it folds only events that occurred before that
 * instant, stops at the end offsets it saw when it started, and is never made active.
 */
import type { ReadModelName } from '@streamshop/read-cache';
import { topicName } from '@streamshop/schemas/topics';
import type { Admin, ConsumerConfig } from 'kafkajs';
import { createGenerationControl, type GenerationInfo } from './control.ts';
import type { ProjectedEvent, ProjectionDefinition, ReadModelDocument } from './definition.ts';
import { createGenerationFold, type FoldDeps } from './generation-fold.ts';
import {
  committedOffsets,
  endOffsets,
  fromDocument,
  lagOf,
  maxOffsets,
  type PartitionOffsets,
  reached,
} from './offsets.ts';
import { dropGeneration } from './projection-worker.ts';

/** Handoffs asked for before giving up, when the worker keeps withdrawing them (catching up takes too long). */
const MAX_HANDOFF_ATTEMPTS = 3;

export type RebuildPhase = 'folding' | 'handoff' | 'catching-up' | 'switched' | 'done';

export interface RebuildProgress {
  model: ReadModelName;
  generation: number;
  phase: RebuildPhase;
  /** Records read so far. */
  processed: number;
  eventsPerSecond: number;
  lag: number;
  /** Seconds to catch up at the current rate, null when unknown. */
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export interface RebuildOptions {
  /** Point in time (epoch ms): fold only events that occurred before it; the copy is never made active. */
  until?: number;
  /** Keep the previous generation instead of dropping it after the grace period. */
  keep?: boolean;
  /** How long the previous generation stays after the switch (in-flight queries, quick rollback). */
  graceMs?: number;
  /** How long to wait for the running worker to let go of the old generation. */
  handoffWaitMs?: number;
  /** A worker whose heartbeat is older than this is considered gone. */
  workerStaleMs?: number;
  progressIntervalMs?: number;
  onProgress?(progress: RebuildProgress): void;
  log?(message: string): void;
  signal?: AbortSignal;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
}

export interface RebuildResult {
  model: ReadModelName;
  generation: number;
  collection: string;
  pointInTime: boolean;
  previous: number | null;
  switched: boolean;
  processed: number;
  seconds: number;
}

export class RebuildError extends Error {
  override name = 'RebuildError';
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

export async function rebuildProjection<D extends ReadModelDocument, E extends ProjectedEvent>(
  definition: ProjectionDefinition<D, E>,
  deps: FoldDeps,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const { model } = definition;
  const control = createGenerationControl({ db: deps.db, prefix: deps.prefix, cache: deps.cache });
  const log = options.log ?? ((m: string) => deps.logger.info(m));
  const pointInTime = options.until !== undefined;
  const graceMs = options.graceMs ?? 60_000;
  const interval = options.progressIntervalMs ?? 1_000;
  const topics = definition.topics.map((t) => topicName(t, deps.prefix));
  const info: GenerationInfo = await control.allocate(
    model,
    definition.collection,
    pointInTime ? { until: options.until } : {},
  );
  const started = Date.now();
  let processed = 0;
  const fold = createGenerationFold(deps, {
    definition,
    generation: info.generation,
    groupId: info.groupId,
    isActive: () => false,
    ...(pointInTime ? { until: options.until } : {}),
    consumer: options.consumer,
    onBatch: (r) => {
      processed += r.records;
    },
  });
  const admin: Admin = deps.kafka.admin();
  await admin.connect();
  let lastProcessed = 0;
  let lastAt = started;
  let rate = 0;
  const position = async (): Promise<PartitionOffsets> =>
    maxOffsets(await committedOffsets(admin, info.groupId, topics), fold.positions as PartitionOffsets);
  const report = async (phase: RebuildPhase, target?: PartitionOffsets) => {
    const now = Date.now();
    const end = target ?? (await endOffsets(admin, topics));
    const lag = Number(lagOf(end, await position()).total);
    if (now > lastAt) {
      const instant = ((processed - lastProcessed) * 1000) / (now - lastAt);
      rate = rate === 0 ? instant : rate * 0.6 + instant * 0.4;
    }
    lastProcessed = processed;
    lastAt = now;
    options.onProgress?.({
      model,
      generation: info.generation,
      phase,
      processed,
      eventsPerSecond: Math.round(rate),
      lag,
      etaSeconds: lag === 0 ? 0 : rate > 0 ? Math.ceil(lag / rate) : null,
      elapsedSeconds: (now - started) / 1000,
    });
    return lag;
  };
  const foldUntil = async (phase: RebuildPhase, target: () => Promise<PartitionOffsets>) => {
    for (;;) {
      if (options.signal?.aborted) throw new RebuildError(`rebuild of ${model} g${info.generation} cancelled`);
      const t = await target();
      await report(phase, t);
      if (reached(await position(), t)) return;
      await pause(interval, options.signal);
    }
  };

  /** Asks the running worker (if one is alive) to stop folding `from` and say how far it got. */
  const handOver = async (from: number, attempt: number): Promise<{ at: number; offsets: PartitionOffsets } | null> => {
    const doc = await control.read(model);
    const workerAlive = !!doc?.worker && Date.now() - doc.worker.seenAt < (options.workerStaleMs ?? 10_000);
    if (!workerAlive) return null;
    log(`${model}: caught up; asking the running worker to hand generation ${from} over (attempt ${attempt})`);
    await control.requestHandoff(model, from, info.generation);
    const deadline = Date.now() + (options.handoffWaitMs ?? 20_000);
    while (Date.now() < deadline && !options.signal?.aborted) {
      const released = (await control.read(model))?.handoff?.released;
      if (released) return { at: released.at, offsets: fromDocument(released.offsets) };
      await report('handoff');
      await pause(Math.min(interval, 250), options.signal);
    }
    log(`${model}: the worker did not answer the handoff; switching on the end offsets instead`);
    return null;
  };

  let previous: number | null = null;
  let switched = false;
  try {
    log(`${model}: folding generation ${info.generation} into ${info.collection} (group ${info.groupId})`);
    await fold.start();
    if (pointInTime) {
      const stopAt = await endOffsets(admin, topics);
      await foldUntil('folding', async () => stopAt);
    } else {
      // Catch up with the log as it was when the rebuild started (a fixed target: with events still arriving,
      // "the current end" keeps moving), then once more to where it is now, so the handoff pause is short.
      const startEnd = await endOffsets(admin, topics);
      await foldUntil('folding', async () => startEnd);
      const nowEnd = await endOffsets(admin, topics);
      await foldUntil('folding', async () => nowEnd);
      const doc = await control.ensure(model, definition.collection);
      const from = doc.active;
      previous = from;
      // A worker that waited too long for the switch withdraws its handoff and folds the old generation again; the
      // activation then fails (it requires the handoff it caught up with) and the handoff is asked for once more.
      for (let attempt = 1; ; attempt++) {
        const released = await handOver(from, attempt);
        const finalTarget = released?.offsets ?? (await endOffsets(admin, topics));
        await foldUntil('catching-up', async () => finalTarget);
        const retire = { dropAfter: Date.now() + graceMs, keep: options.keep ?? false };
        if (await control.activate(model, from, info.generation, retire, released?.at)) break;
        const now = await control.read(model);
        if (released && now?.active === from && attempt < MAX_HANDOFF_ATTEMPTS) {
          log(`${model}: the worker resumed generation ${from} before the switch; asking it again`);
          continue;
        }
        await control.clearHandoff(model);
        throw new RebuildError(
          `${model}: the active generation changed during the rebuild; generation ${info.generation} was not activated`,
        );
      }
      switched = true;
      await report('switched');
      log(`${model}: generation ${info.generation} is active (was ${previous})`);
    }
    await fold.stop();
    if (pointInTime) {
      await admin.deleteGroups([info.groupId]).catch(() => {});
    } else if (!options.keep && previous !== null) {
      const doc = await control.read(model);
      const workerAlive = doc?.worker && Date.now() - doc.worker.seenAt < (options.workerStaleMs ?? 10_000);
      if (!workerAlive) {
        log(
          `${model}: no worker runs; dropping generation ${previous} after the ${Math.round(graceMs / 1000)} s grace period`,
        );
        await pause(graceMs, options.signal);
        const old = doc?.generations[`g${previous}`];
        if (old) await dropGeneration(deps, control, model, previous, old.collection, old.groupId);
      } else {
        log(`${model}: the worker drops generation ${previous} after the ${Math.round(graceMs / 1000)} s grace period`);
      }
    }
    await report('done', new Map());
    return {
      model,
      generation: info.generation,
      collection: info.collection,
      pointInTime,
      previous,
      switched,
      processed,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    await fold.stop().catch(() => {});
    if (!switched) {
      await control.setState(model, info.generation, 'failed').catch(() => {});
      const doc = await control.read(model).catch(() => null);
      if (doc?.handoff?.to === info.generation) await control.clearHandoff(model).catch(() => {});
    }
    throw err;
  } finally {
    await admin.disconnect();
  }
}
