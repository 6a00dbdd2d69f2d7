/**
 * The envelope every command and event carries, and how it maps onto wire records. Deciders see and return plain
 * payloads; the runtime stamps each event with ids, version and causality. Event ids are UUIDv5 of the command id
 * and the event's index, so a command retried after a crash yields byte-identical events and replies.
 *
 * The mapping between wire records and decider values is a small set of functions (`RecordMapping`) so the runtime
 * does not depend on the exact generated Avro types; `flatRecordMapping` covers records whose envelope fields sit
 * at the top level beside the payload fields.
 */
import { v5 as uuidv5 } from 'uuid';
import type { DecodedRecord } from './serde.ts';

export interface CommandMeta {
  commandId: string;
  aggregateId: string;
  /** Time arrives on the command (deciders read no clock); copied to each event's `occurredAt`. */
  issuedAt: unknown;
  correlationId: string;
  causationId?: string | null;
  idempotencyKey?: string | null;
  /** The person who issued the command (null: the system); copied onto each event, so the log says who did what. */
  actorId?: string | null;
}

export interface EventMeta {
  eventId: string;
  aggregateId: string;
  aggregateVersion: number;
  occurredAt: unknown;
  correlationId: string;
  causationId: string;
  /** Copied from the command; null when the system acted (and on events written before actors were recorded). */
  actorId?: string | null;
}

export interface StampedEvent<E> {
  event: E;
  meta: EventMeta;
}

/** The reply on `commerce.command-replies`, keyed by correlation id. Nullable rather than optional: Avro-friendly. */
export interface CommandReply {
  commandId: string;
  correlationId: string;
  aggregateId: string;
  outcome: 'accepted' | 'rejected';
  aggregateVersion: number | null;
  rejectionCode: string | null;
  rejectionDetail: string | null;
  eventIds: string[];
}

/** Fixed namespace for deterministic ids; changing it changes every derived id, so never do. */
export const STREAMSHOP_ID_NAMESPACE = '6f1c2a4e-9b1d-4c1e-8f0a-5d3b7e2c9a10';

/** Deterministic id from parts (UUIDv5): the same inputs always give the same id. */
export function deterministicId(...parts: (string | number)[]): string {
  return uuidv5(parts.map(String).join('\u001f'), STREAMSHOP_ID_NAMESPACE);
}

/** What the sender of a command chooses; every other envelope field has one meaning, given by `commandEnvelope`. */
export interface CommandOrigin {
  /** Derive it (`deterministicId`) from what makes a retry the same request, so a retry is the same command. */
  commandId: string;
  aggregateId: string;
  /** Epoch milliseconds: the decider's clock. */
  issuedAt: number;
  /** The business flow the command belongs to; default: its aggregate id (a flow that starts here). */
  correlationId?: string;
  /** The event or command that caused it; default null (a direct request). */
  causationId?: string | null;
  /** The client's Idempotency-Key, when the request carried one. */
  idempotencyKey?: string | null;
  /** The signed-in user who asked (the acting admin on back-office commands); null for shoppers' flows and systems. */
  actorId?: string | null;
}

/** The envelope fields every command record starts with (the schemas' CommandEnvelope), plus who asked. */
export interface BuiltCommandEnvelope {
  commandId: string;
  aggregateId: string;
  idempotencyKey: string | null;
  issuedAt: number;
  correlationId: string;
  causationId: string | null;
  actorId: string | null;
}

/**
 * Every command's envelope, built in one place: `{ ...commandEnvelope(origin), ...payload }`. Optional fields get
 * their one default here rather than a `null` typed out by each sender, so a new envelope field (actorId) reaches
 * every command by changing this function.
 */
export function commandEnvelope(origin: CommandOrigin): BuiltCommandEnvelope {
  return {
    commandId: origin.commandId,
    aggregateId: origin.aggregateId,
    idempotencyKey: origin.idempotencyKey ?? null,
    issuedAt: origin.issuedAt,
    correlationId: origin.correlationId ?? origin.aggregateId,
    causationId: origin.causationId ?? null,
    actorId: origin.actorId ?? null,
  };
}

export function eventIdFor(commandId: string, index: number): string {
  return deterministicId('event', commandId, index);
}

/**
 * Stamps decided events: versions continue from `currentVersion` without gaps, ids derive from the command, and
 * time, correlation and the acting person are the command's.
 */
export function stampEvents<E>(events: readonly E[], command: CommandMeta, currentVersion: number): StampedEvent<E>[] {
  return events.map((event, i) => ({
    event,
    meta: {
      eventId: eventIdFor(command.commandId, i),
      aggregateId: command.aggregateId,
      aggregateVersion: currentVersion + i + 1,
      occurredAt: command.issuedAt,
      correlationId: command.correlationId,
      causationId: command.commandId,
      actorId: command.actorId ?? null,
    },
  }));
}

/** Maps wire records to decider values and back. Throwing from `readCommand` sends the record to the DLQ. */
export interface RecordMapping<C, E> {
  readCommand(record: DecodedRecord): { command: C; meta: CommandMeta };
  writeEvent(stamped: StampedEvent<E>): DecodedRecord;
  readEvent(record: DecodedRecord): StampedEvent<E>;
  /** Full record name of the reply and its value (identity unless the generated type differs). */
  writeReply(reply: CommandReply): DecodedRecord;
}

const EVENT_FIELDS = [
  'eventId',
  'aggregateId',
  'aggregateVersion',
  'occurredAt',
  'correlationId',
  'causationId',
  'actorId',
];

function requireObject(record: DecodedRecord): Record<string, unknown> {
  if (typeof record.value !== 'object' || record.value === null) {
    throw new Error(`${record.type}: expected a record value, got ${typeof record.value}`);
  }
  return record.value as Record<string, unknown>;
}

function requireString(value: Record<string, unknown>, field: string, type: string): string {
  const v = value[field];
  if (typeof v !== 'string' || v === '') throw new Error(`${type}: missing or empty ${field}`);
  return v;
}

function without(value: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!fields.includes(k)) rest[k] = v;
  return rest;
}

/** The envelope of a command record whose fields sit at the top level (both mappings below read it this way). */
function commandMetaOf(record: DecodedRecord): { value: Record<string, unknown>; meta: CommandMeta } {
  const value = requireObject(record);
  const meta: CommandMeta = {
    commandId: requireString(value, 'commandId', record.type),
    aggregateId: requireString(value, 'aggregateId', record.type),
    correlationId: requireString(value, 'correlationId', record.type),
    issuedAt: value.issuedAt,
    causationId: (value.causationId as string | null | undefined) ?? null,
    idempotencyKey: (value.idempotencyKey as string | null | undefined) ?? null,
    actorId: (value.actorId as string | null | undefined) ?? null,
  };
  return { value, meta };
}

/** The envelope of an event record whose fields sit at the top level; rejects a missing or non-positive version. */
function eventMetaOf(record: DecodedRecord): { value: Record<string, unknown>; meta: EventMeta } {
  const value = requireObject(record);
  const meta: EventMeta = {
    eventId: requireString(value, 'eventId', record.type),
    aggregateId: requireString(value, 'aggregateId', record.type),
    aggregateVersion: Number(value.aggregateVersion),
    occurredAt: value.occurredAt,
    correlationId: requireString(value, 'correlationId', record.type),
    causationId: requireString(value, 'causationId', record.type),
    actorId: (value.actorId as string | null | undefined) ?? null,
  };
  if (!Number.isInteger(meta.aggregateVersion) || meta.aggregateVersion < 1) {
    throw new Error(`${record.type}: invalid aggregateVersion ${String(value.aggregateVersion)}`);
  }
  return { value, meta };
}

const shortName = (fullName: string): string => fullName.slice(fullName.lastIndexOf('.') + 1);

/**
 * Records whose envelope fields sit at the top level beside the payload (as our .avsc files do). Deciders see
 * `{ type: <short record name>, ...fields }`: commands keep their envelope fields (issuedAt is the decider's clock),
 * events are returned without them and get them stamped; event records are named `<eventNamespace>.<type>`.
 */
export function flatRecordMapping<C extends { type: string }, E extends { type: string }>(options: {
  eventNamespace: string;
  replyType: string;
}): RecordMapping<C, E> {
  return {
    readCommand(record) {
      const { value, meta } = commandMetaOf(record);
      if (meta.issuedAt === undefined || meta.issuedAt === null) throw new Error(`${record.type}: missing issuedAt`);
      return { command: { ...value, type: shortName(record.type) } as unknown as C, meta };
    },
    writeEvent({ event, meta }) {
      const { type, ...payload } = event as { type: string } & Record<string, unknown>;
      return { type: `${options.eventNamespace}.${type}`, value: { ...meta, ...without(payload, EVENT_FIELDS) } };
    },
    readEvent(record) {
      const { value, meta } = eventMetaOf(record);
      const event = { ...without(value, EVENT_FIELDS), type: shortName(record.type) } as unknown as E;
      return { event, meta };
    },
    writeReply(reply) {
      return { type: options.replyType, value: reply };
    },
  };
}

export { EVENT_FIELDS };

/**
 * Records as the generated Avro types describe them and as our deciders take them: commands are
 * `{ type: <full record name>, value: <whole record, envelope included> }` (`issuedAt` is the decider's clock),
 * deciders return event drafts `{ type: <full record name>, value: <payload only> }`, and the runtime adds the
 * envelope. This is the mapping every streamshop service uses; `flatRecordMapping` is for flat test records.
 */
export function typedRecordMapping<
  C extends { type: string; value: object },
  E extends { type: string; value: object },
>(options: { replyType: string }): RecordMapping<C, E> {
  return {
    readCommand(record) {
      const { value, meta } = commandMetaOf(record);
      if (typeof meta.issuedAt !== 'number') throw new Error(`${record.type}: missing or invalid issuedAt`);
      return { command: { type: record.type, value } as unknown as C, meta };
    },
    writeEvent({ event, meta }) {
      return { type: event.type, value: { ...meta, ...without(event.value as Record<string, unknown>, EVENT_FIELDS) } };
    },
    readEvent(record) {
      const { value, meta } = eventMetaOf(record);
      return { event: { type: record.type, value: without(value, EVENT_FIELDS) } as unknown as E, meta };
    },
    writeReply(reply) {
      return { type: options.replyType, value: reply };
    },
  };
}
