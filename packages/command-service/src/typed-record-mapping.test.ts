import { describe, expect, it } from 'vitest';
import { typedRecordMapping } from './typed-record-mapping.ts';

type Cmd = { type: string; value: Record<string, unknown> };
type Evt = { type: string; value: object };
const mapping = typedRecordMapping<Cmd, Evt>();

const envelope = {
  commandId: 'c-1',
  aggregateId: 'SKU-A',
  idempotencyKey: null,
  issuedAt: 1_700_000_000_000,
  correlationId: 'corr-1',
  causationId: null,
};

describe('typedRecordMapping', () => {
  it('hands the decider the whole typed command and the runtime its envelope', () => {
    const record = { type: 'streamshop.inventory.ReceiveStock', value: { ...envelope, quantity: 3, reference: null } };
    const { command, meta } = mapping.readCommand(record);
    expect(command).toEqual(record);
    expect(meta).toEqual({ ...envelope, idempotencyKey: null });
  });

  it('refuses a command without its envelope (the runtime sends it to the DLQ)', () => {
    const { issuedAt: _, ...noClock } = envelope;
    expect(() => mapping.readCommand({ type: 'streamshop.inventory.ReceiveStock', value: noClock })).toThrow(
      /missing issuedAt/,
    );
    expect(() => mapping.readCommand({ type: 'x.Y', value: { ...envelope, commandId: '' } })).toThrow(/commandId/);
  });

  it('writes stamped drafts as wire records and reads them back unchanged', () => {
    const meta = {
      eventId: 'e-1',
      aggregateId: 'SKU-A',
      aggregateVersion: 4,
      occurredAt: 1_700_000_000_000,
      correlationId: 'corr-1',
      causationId: 'c-1',
    };
    const event = { type: 'streamshop.inventory.StockReceived', value: { quantity: 3, reference: null } };
    const wire = mapping.writeEvent({ event, meta });
    expect(wire).toEqual({ type: event.type, value: { ...event.value, ...meta } });
    expect(mapping.readEvent(wire)).toEqual({ event, meta });
  });
});
