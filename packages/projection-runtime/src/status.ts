/** What `streamshop projections status` shows: per model, its generations, the active one's lag, the worker. */
import type { ReadModelName } from '@streamshop/read-cache';
import { topicName } from '@streamshop/schemas/topics';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { type ControlDocument, createGenerationControl, type GenerationInfo } from './control.ts';
import type { ProjectionDefinition } from './definition.ts';
import { committedOffsets, endOffsets, lagOf, type PartitionLag } from './offsets.ts';

export interface ProjectionStatus {
  model: ReadModelName;
  /** Null when the model has never run. */
  active: number | null;
  generations: GenerationInfo[];
  lag: {
    total: number;
    partitions: (Omit<PartitionLag, 'position' | 'end' | 'lag'> & { position: number; end: number; lag: number })[];
  };
  worker: ControlDocument['worker'];
  /** True when a worker reported within the last 10 s. */
  workerAlive: boolean;
  lastError: ControlDocument['lastError'];
  handoff: ControlDocument['handoff'];
}

export async function projectionStatus(options: {
  db: Db;
  kafka: Kafka;
  prefix: string;
  definitions: readonly ProjectionDefinition[];
}): Promise<ProjectionStatus[]> {
  const control = createGenerationControl({ db: options.db, prefix: options.prefix, cache: null });
  const admin = options.kafka.admin();
  await admin.connect();
  try {
    const out: ProjectionStatus[] = [];
    for (const def of options.definitions) {
      const doc = await control.read(def.model);
      const topics = def.topics.map((t) => topicName(t, options.prefix));
      const active = doc?.generations[`g${doc.active}`];
      const end = await endOffsets(admin, topics);
      const position = active ? await committedOffsets(admin, active.groupId, topics) : new Map<string, bigint>();
      const lag = lagOf(end, position);
      out.push({
        model: def.model,
        active: doc?.active ?? null,
        generations: doc ? Object.values(doc.generations).sort((a, b) => a.generation - b.generation) : [],
        lag: {
          total: Number(lag.total),
          partitions: lag.partitions.map((p) => ({
            ...p,
            position: Number(p.position),
            end: Number(p.end),
            lag: Number(p.lag),
          })),
        },
        worker: doc?.worker ?? null,
        workerAlive: !!doc?.worker && Date.now() - doc.worker.seenAt < 10_000,
        lastError: doc?.lastError ?? null,
        handoff: doc?.handoff ?? null,
      });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
