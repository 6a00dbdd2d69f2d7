/**
 * The pure heart of the command runtime: what one command does to one aggregate's entry (dedupe, decide, stamp,
 * evolve), how stored events fold back into entries on rebuild, and how entries round-trip through snapshots.
 * No Kafka here, so every rule is unit-testable.
 *
 * Dedupe is on commandId and only remembers commands that produced events: those are the ones the events topic
 * records (as each event's causationId), so the memory is rebuildable after a restart. A retried command that was
 * rejected or was a no-op is simply decided again. Each aggregate remembers its last `dedupeWindow` commands.
 */
import { type Decider, isRejection } from '@streamshop/decider';
import { type CommandMeta, type CommandReply, type StampedEvent, stampEvents } from './envelope.ts';

export interface ProcessedCommand {
  /** Aggregate version after the command's last event. */
  version: number;
  eventIds: string[];
}

export interface AggregateEntry<S> {
  state: S;
  version: number;
  /** commandId → original result, insertion-ordered (oldest first), at most `dedupeWindow` long. */
  processed: Map<string, ProcessedCommand>;
}

export const DEFAULT_DEDUPE_WINDOW = 1000;

export type CommandOutcome<E, S> =
  | { kind: 'duplicate'; reply: CommandReply }
  | { kind: 'rejected'; reply: CommandReply }
  | { kind: 'accepted'; reply: CommandReply; events: StampedEvent<E>[]; entry: AggregateEntry<S> };

export function emptyEntry<S>(initialState: S): AggregateEntry<S> {
  return { state: initialState, version: 0, processed: new Map() };
}

function remember(
  processed: Map<string, ProcessedCommand>,
  commandId: string,
  result: ProcessedCommand,
  window: number,
) {
  processed.set(commandId, result);
  while (processed.size > window) {
    const oldest = processed.keys().next().value as string;
    processed.delete(oldest);
  }
}

function accepted(meta: CommandMeta, version: number, eventIds: string[]): CommandReply {
  return {
    commandId: meta.commandId,
    correlationId: meta.correlationId,
    aggregateId: meta.aggregateId,
    outcome: 'accepted',
    aggregateVersion: version,
    rejectionCode: null,
    rejectionDetail: null,
    eventIds,
  };
}

/**
 * Handles one command against an entry (undefined = aggregate never seen). Never mutates `entry`: an accepted
 * command returns a new entry, which the runtime only keeps once the transaction carrying its events commits.
 */
export function handleCommand<C, E, S>(
  decider: Decider<C, E, S>,
  entry: AggregateEntry<S> | undefined,
  command: C,
  meta: CommandMeta,
  dedupeWindow = DEFAULT_DEDUPE_WINDOW,
): CommandOutcome<E, S> {
  const current = entry ?? emptyEntry(decider.initialState);
  const original = current.processed.get(meta.commandId);
  if (original) return { kind: 'duplicate', reply: accepted(meta, original.version, original.eventIds) };

  const decision = decider.decide(command, current.state);
  if (isRejection(decision)) {
    return {
      kind: 'rejected',
      reply: {
        commandId: meta.commandId,
        correlationId: meta.correlationId,
        aggregateId: meta.aggregateId,
        outcome: 'rejected',
        aggregateVersion: current.version,
        rejectionCode: decision.code,
        rejectionDetail: decision.detail,
        eventIds: [],
      },
    };
  }
  const events = stampEvents(decision, meta, current.version);
  if (events.length === 0) {
    return { kind: 'accepted', reply: accepted(meta, current.version, []), events, entry: current };
  }
  let state = current.state;
  for (const { event } of events) state = decider.evolve(state, event);
  const version = current.version + events.length;
  const processed = new Map(current.processed);
  const eventIds = events.map((e) => e.meta.eventId);
  remember(processed, meta.commandId, { version, eventIds }, dedupeWindow);
  return { kind: 'accepted', reply: accepted(meta, version, eventIds), events, entry: { state, version, processed } };
}

/**
 * Folds a stored event into its aggregate's entry during rebuild. Events at or below the entry's version are
 * already covered (by a snapshot) and skipped; that is what lets a snapshot checkpoint be conservative.
 * Mutates and returns the entry (rebuild owns it exclusively).
 */
export function applyStoredEvent<E, S>(
  decider: Decider<unknown, E, S>,
  entry: AggregateEntry<S> | undefined,
  { event, meta }: StampedEvent<E>,
  dedupeWindow = DEFAULT_DEDUPE_WINDOW,
): AggregateEntry<S> {
  const current = entry ?? emptyEntry(decider.initialState);
  if (meta.aggregateVersion <= current.version) return current;
  current.state = decider.evolve(current.state, event);
  current.version = meta.aggregateVersion;
  const seen = current.processed.get(meta.causationId);
  // A command's events are contiguous, so appending keeps them in their original order.
  const eventIds = seen ? [...seen.eventIds, meta.eventId] : [meta.eventId];
  if (seen) current.processed.delete(meta.causationId);
  remember(current.processed, meta.causationId, { version: meta.aggregateVersion, eventIds }, dedupeWindow);
  return current;
}

/** How states cross the snapshot topic; JSON by default (states holding Maps, bigints or Dates need their own). */
export interface StateCodec<S> {
  toJSON(state: S): unknown;
  fromJSON(json: unknown): S;
}

export const jsonStateCodec: StateCodec<never> = {
  toJSON: (s) => s,
  fromJSON: (j) => j as never,
};

export interface AggregateSnapshot {
  v: 1;
  aggregateId: string;
  version: number;
  state: unknown;
  processed: [commandId: string, version: number, eventIds: string[]][];
}

export function toSnapshot<S>(aggregateId: string, entry: AggregateEntry<S>, codec: StateCodec<S>): AggregateSnapshot {
  return {
    v: 1,
    aggregateId,
    version: entry.version,
    state: codec.toJSON(entry.state),
    processed: [...entry.processed].map(([id, p]) => [id, p.version, p.eventIds]),
  };
}

export function fromSnapshot<S>(snapshot: AggregateSnapshot, codec: StateCodec<S>): AggregateEntry<S> {
  if (snapshot.v !== 1) throw new Error(`unsupported snapshot format v${String(snapshot.v)}`);
  return {
    state: codec.fromJSON(snapshot.state),
    version: snapshot.version,
    processed: new Map(snapshot.processed.map(([id, version, eventIds]) => [id, { version, eventIds }])),
  };
}
