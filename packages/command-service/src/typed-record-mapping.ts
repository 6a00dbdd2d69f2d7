/**
 * How our deciders see records: `{ type: <full Avro record name>, value }`, the generated `TypedRecord` shape,
 * with the envelope fields beside the payload in `value` (as on the wire). Commands go to the decider whole (it
 * reads `issuedAt` as its clock); decided events are drafts without the envelope, which the runtime stamps.
 * (`flatRecordMapping` in the runtime is for records flattened as `{ type: <short name>, ...fields }`.)
 */
import type { CommandMeta, DecodedRecord, EventMeta, RecordMapping } from '@streamshop/eventsourcing-kafka';
import { recordNames } from '@streamshop/schemas';

const EVENT_ENVELOPE: ReadonlySet<string> = new Set([
  'eventId',
  'aggregateId',
  'aggregateVersion',
  'occurredAt',
  'correlationId',
  'causationId',
]);

function fields(record: DecodedRecord): Record<string, unknown> {
  if (typeof record.value !== 'object' || record.value === null) {
    throw new Error(`${record.type}: expected a record value, got ${typeof record.value}`);
  }
  return record.value as Record<string, unknown>;
}

function text(value: Record<string, unknown>, field: string, type: string): string {
  const v = value[field];
  if (typeof v !== 'string' || v === '') throw new Error(`${type}: missing or empty ${field}`);
  return v;
}

export function typedRecordMapping<
  C extends { type: string },
  E extends { type: string; value: object },
>(): RecordMapping<C, E> {
  return {
    readCommand(record) {
      const v = fields(record);
      if (typeof v.issuedAt !== 'number') throw new Error(`${record.type}: missing issuedAt`);
      const meta: CommandMeta = {
        commandId: text(v, 'commandId', record.type),
        aggregateId: text(v, 'aggregateId', record.type),
        correlationId: text(v, 'correlationId', record.type),
        issuedAt: v.issuedAt,
        causationId: (v.causationId as string | null | undefined) ?? null,
        idempotencyKey: (v.idempotencyKey as string | null | undefined) ?? null,
      };
      return { command: { type: record.type, value: v } as unknown as C, meta };
    },
    writeEvent({ event, meta }) {
      return { type: event.type, value: { ...event.value, ...meta } };
    },
    readEvent(record) {
      const v = fields(record);
      const meta: EventMeta = {
        eventId: text(v, 'eventId', record.type),
        aggregateId: text(v, 'aggregateId', record.type),
        aggregateVersion: Number(v.aggregateVersion),
        occurredAt: v.occurredAt,
        correlationId: text(v, 'correlationId', record.type),
        causationId: text(v, 'causationId', record.type),
      };
      if (!Number.isInteger(meta.aggregateVersion) || meta.aggregateVersion < 1) {
        throw new Error(`${record.type}: invalid aggregateVersion ${String(v.aggregateVersion)}`);
      }
      const payload = Object.fromEntries(Object.entries(v).filter(([k]) => !EVENT_ENVELOPE.has(k)));
      return { event: { type: record.type, value: payload } as unknown as E, meta };
    },
    writeReply(reply) {
      return { type: recordNames.reply, value: reply };
    },
  };
}
