/**
 * What a read model is, as data: which topics it folds, which events of them, which document each event changes,
 * and a pure `apply` from (document, event) to document. Everything with I/O (consuming, loading, writing, offsets,
 * the DLQ, the cache) is the runtime's; a projection's own code is this definition, unit-tested given/when/then like
 * a decider.
 *
 * Events are typed from the generated Avro types: a definition names the event types it folds (`events`), and its
 * `target`, `guardStream` and `apply` receive the union of exactly those, so `switch (event.type)` narrows
 * `event.value` to the payload of that record. The runtime stays generic: it decodes whatever its topics carry and
 * hands a definition only the events it named (`handles`); the rest are counted as ignored.
 */
import type { EventMeta } from '@streamshop/eventsourcing-kafka';
import type { ReadModelName } from '@streamshop/read-cache';
import type { Context } from '@streamshop/schemas';
import type { TopicName } from '@streamshop/schemas/topics';
import type { EventDraft, recordNames } from '@streamshop/schemas/types';
import type { IndexDescription } from 'mongodb';

/** Full Avro name of every event record (what the `<context>.events` topics carry). */
export type EventName = (typeof recordNames)[Context]['events'][number];

/**
 * One decoded event as a projection sees it: payload without the envelope, the envelope as `meta`. Over a union of
 * names it is a union discriminated by `type`.
 */
export type ProjectedEvent<N extends EventName = EventName> = N extends EventName
  ? {
      /** Logical topic (`orders.events`), whatever prefix the deployment uses. */
      topic: TopicName;
      /** Full Avro record name, e.g. `streamshop.orders.OrderPlaced`. */
      type: N;
      /** The record's fields after the envelope, as the generated type declares them. */
      value: EventDraft<N>['value'];
      meta: EventMeta;
      partition: number;
      offset: string;
      /** Kafka record timestamp (epoch ms). */
      timestamp: number;
    }
  : never;

/** Which document an event changes: by `_id`, or by a secondary field when the event's stream is keyed otherwise. */
export type DocTarget = { id: string } | { field: string; value: string };

/** Fields the runtime keeps on every document; queries never return them. */
export interface InternalFields {
  /** Highest aggregate version applied, per source stream (the topic's context): the idempotence guard. */
  _v: Record<string, number>;
  /** Optimistic-concurrency revision: a write only lands on the revision it was folded from. */
  _rev: number;
}

export interface ReadModelDocument {
  _id: string;
}

export interface ProjectionDefinition<
  D extends ReadModelDocument = ReadModelDocument,
  E extends ProjectedEvent = ProjectedEvent,
> {
  model: ReadModelName;
  /** Base collection name; generations live in `<collection>__g<N>`. */
  collection: string;
  topics: readonly TopicName[];
  /** The event types this model folds; the others on its topics never reach the functions below (ignored). */
  events: readonly E['type'][];
  /** Declared in code, created at start on every generation's collection. */
  indexes: readonly IndexDescription[];
  /** The document an event changes, or null when the event does not concern this model. */
  target(event: E): DocTarget | null;
  /**
   * The stream whose aggregate versions guard this event on its document; default `streamOf(event.topic)`. A model
   * whose document gathers several aggregates of one context (an order's invoice and credit notes, from each year's
   * series) names the aggregate, as their versions are unrelated.
   */
  guardStream?(event: E): string;
  /**
   * The document after the event (pure). `doc` is null when it does not exist yet. Throw `ProjectionError` for
   * an event that cannot be applied (it goes to the DLQ and the worker continues).
   */
  apply(doc: D | null, event: E): D;
  /** What a change notice says about a changed document (id, version, and e.g. the order's customer). */
  notice?(doc: D): { id: string; version?: number; customerId?: string };
  /** Cache entries (kind, id) that show this document, deleted after each write; default `[{kind:'id', id:_id}]`. */
  cacheEntries?(doc: D): { kind: string; id: string }[];
}

/** An event that cannot be applied to the read model (bad data, impossible order); the runtime dead-letters it. */
export class ProjectionError extends Error {
  override name = 'ProjectionError';
}

/**
 * Whether a definition folds this event: the one place a decoded event is narrowed to a definition's union. Sound
 * because `events` lists exactly the names of that union and a decoded event's `value` is its record's (the serde
 * reads every record into the current schema of the name it carries).
 */
export function handles<E extends ProjectedEvent>(
  definition: Pick<ProjectionDefinition<ReadModelDocument, E>, 'events'>,
  event: ProjectedEvent,
): event is E {
  const names: readonly string[] = definition.events;
  return names.includes(event.type);
}

/** The stream whose version guards an event: the context of its topic (`orders.events` → `orders`). */
export function streamOf(topic: TopicName): string {
  return topic.slice(0, topic.indexOf('.'));
}

/** Generation collection name: `orders__g3`. */
export function generationCollection(collection: string, generation: number): string {
  return `${collection}__g${generation}`;
}

/** A document without the runtime's internal fields (for queries and for comparing folds). */
export function publicFields<D extends object>(doc: D): Omit<D, '_v' | '_rev'> {
  const { _v, _rev, ...rest } = doc as D & Partial<InternalFields>;
  return rest;
}
