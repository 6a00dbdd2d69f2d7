/**
 * A long-running projection worker: folds the model's ACTIVE generation, follows switches made by a rebuild,
 * takes part in the handoff (stops folding the old generation and reports how far it got, so the rebuild can fold
 * at least that far before switching), reports a heartbeat and its throughput for `projections status`, and drops
 * retired generations once their grace period is over (unless kept).
 */
import { randomUUID } from 'node:crypto';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import type { ReadModelName } from '@streamshop/read-cache';
import { topicName } from '@streamshop/schemas/topics';
import type { ConsumerConfig } from 'kafkajs';
import { type ControlDocument, createGenerationControl, type GenerationControl } from './control.ts';
import type { ProjectedEvent, ProjectionDefinition, ReadModelDocument } from './definition.ts';
import { createGenerationFold, type FoldDeps, type GenerationFold } from './generation-fold.ts';
import { committedOffsets, maxOffsets, toDocument } from './offsets.ts';

export interface ProjectionWorkerOptions {
  /** How often the worker reads its control document (switches, handoffs, heartbeat). */
  controlPollMs?: number;
  /** A handoff the rebuild never completes is abandoned after this long and the old generation resumes. */
  handoffTimeoutMs?: number;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
}

export interface ProjectionWorker extends Runnable {
  readonly model: ReadModelName;
  /** The generation this worker folds right now (null while handed off). */
  readonly generation: number | null;
}

export function createProjectionWorker<D extends ReadModelDocument, E extends ProjectedEvent>(
  definition: ProjectionDefinition<D, E>,
  deps: FoldDeps,
  options: ProjectionWorkerOptions = {},
): ProjectionWorker {
  const { model } = definition;
  const pollMs = options.controlPollMs ?? 1_000;
  const handoffTimeoutMs = options.handoffTimeoutMs ?? 60_000;
  const control: GenerationControl = createGenerationControl({ db: deps.db, prefix: deps.prefix, cache: deps.cache });
  const logger = deps.logger.child({ projection: model });
  const workerId = randomUUID();
  const topics = definition.topics.map((t) => topicName(t, deps.prefix));
  let fold: GenerationFold | null = null;
  let current: number | null = null;
  let handedOff: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  let stopped = false;
  let processed = 0;
  let lastTick = Date.now();

  async function follow(generation: number, doc: ControlDocument) {
    const info = doc.generations[`g${generation}`];
    if (!info) throw new Error(`${model}: control document has no generation ${generation}`);
    const f = createGenerationFold(deps, {
      definition,
      generation,
      groupId: info.groupId,
      isActive: () => current === generation && handedOff === null,
      consumer: options.consumer,
      onBatch: (r) => {
        processed += r.records;
      },
      onDeadLetter: (message) => {
        void control.recordError(model, generation, message).catch(() => {});
      },
    });
    await f.start();
    fold = f;
    current = generation;
    handedOff = null;
    await control.mirror(model, generation);
    logger.info({ generation, collection: info.collection, groupId: info.groupId }, 'folding the active generation');
  }

  async function unfollow() {
    const f = fold;
    fold = null;
    await f?.stop();
  }

  async function tick() {
    const doc = await control.read(model);
    if (!doc || stopped) return;
    const now = Date.now();
    const eventsPerSecond = Math.round((processed * 1000) / Math.max(1, now - lastTick));
    processed = 0;
    lastTick = now;
    await control.heartbeat(model, { id: workerId, generation: current ?? doc.active, seenAt: now, eventsPerSecond });

    if (doc.handoff && current === doc.handoff.from && handedOff === null && !doc.handoff.released) {
      // A rebuild is ready to switch: stop folding the old generation, then tell it how far we got.
      const from = current;
      const folded = fold;
      await unfollow();
      handedOff = from;
      const admin = deps.kafka.admin();
      await admin.connect();
      try {
        const info = doc.generations[`g${from}`];
        // How far the old generation's contents go: its committed offsets, or further where a last batch was
        // written but its commit did not land (the rebuild must hold everything queries could see).
        const committed = await committedOffsets(admin, info?.groupId ?? '', topics);
        const offsets = maxOffsets(committed, (folded?.positions ?? new Map()) as Map<string, bigint>);
        await control.releaseHandoff(model, from, toDocument(offsets));
      } finally {
        await admin.disconnect();
      }
      logger.info({ from, to: doc.handoff.to }, 'handed the active generation off to a rebuild');
      return;
    }
    if (handedOff !== null) {
      if (doc.active !== handedOff) {
        await follow(doc.active, doc); // the rebuild switched: fold the new active generation from its offsets
      } else if (!doc.handoff || now - (doc.handoff.released?.at ?? doc.handoff.requestedAt) > handoffTimeoutMs) {
        logger.warn({ generation: handedOff }, 'the rebuild did not switch; resuming the active generation');
        if (doc.handoff) await control.clearHandoff(model);
        await follow(handedOff, doc);
      }
    } else if (doc.active !== current) {
      // Switched by a rebuild that saw no worker running: follow the new active generation.
      await unfollow();
      await follow(doc.active, doc);
    }
    await dropRetired(doc, now);
  }

  async function dropRetired(doc: ControlDocument, now: number) {
    // Not while a rebuild runs: its writes to the control document must not race ours (see WORKERS_COLLECTION).
    if (doc.handoff || Object.values(doc.generations).some((g) => g.state === 'building')) return;
    for (const g of Object.values(doc.generations)) {
      if (g.state !== 'retired' || g.keep || (g.dropAfter ?? Number.POSITIVE_INFINITY) > now) continue;
      await dropGeneration(deps, control, model, g.generation, g.collection, g.groupId);
      logger.info({ generation: g.generation, collection: g.collection }, 'dropped a retired generation');
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick()
        .catch((err) => logger.error({ err }, 'projection control step failed; retrying'))
        .finally(schedule);
    }, pollMs);
  }

  return {
    model,
    get generation() {
      return handedOff === null ? current : null;
    },
    async start() {
      const doc = await control.ensure(model, definition.collection);
      await follow(doc.active, doc);
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking;
      await unfollow();
      await control.clearWorker(model, workerId).catch(() => {});
    },
  };
}

/** Drops a generation's collection and consumer group, and marks it dropped. */
export async function dropGeneration(
  deps: Pick<FoldDeps, 'db' | 'kafka'>,
  control: GenerationControl,
  model: ReadModelName,
  generation: number,
  collection: string,
  groupId: string,
): Promise<void> {
  await deps.db
    .collection(collection)
    .drop()
    .catch(() => {});
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]).catch(() => {});
  } finally {
    await admin.disconnect();
  }
  await control.setState(model, generation, 'dropped');
}
