import { type Decider, reject } from '@streamshop/decider';
import { describe, expect, it } from 'vitest';
import {
  applyStoredEvent,
  fromSnapshot,
  handleCommand,
  jsonStateCodec,
  type StateCodec,
  toSnapshot,
} from './aggregates.ts';
import { type CommandMeta, eventIdFor, flatRecordMapping, stampEvents, typedRecordMapping } from './envelope.ts';

type Cmd = { type: 'Add'; n: number };
type Evt = { type: 'Added'; n: number };
const adder: Decider<Cmd, Evt, { total: number }> = {
  initialState: { total: 0 },
  evolve: (s, e) => ({ total: s.total + e.n }),
  decide: (c) =>
    c.n > 0 ? Array.from({ length: c.n }, () => ({ type: 'Added' as const, n: 1 })) : reject('not_positive', 'n'),
};
const meta = (commandId: string): CommandMeta => ({
  commandId,
  aggregateId: 'a-1',
  issuedAt: '2025-02-03T04:05:06.000Z',
  correlationId: `corr-${commandId}`,
});
const codec = jsonStateCodec as StateCodec<{ total: number }>;

describe('stampEvents', () => {
  it('stamps versions after the current one, deterministic ids, and causality from the command', () => {
    const stamped = stampEvents([{ x: 1 }, { x: 2 }], meta('c-1'), 4);
    expect(stamped.map((s) => s.meta)).toEqual([
      {
        eventId: eventIdFor('c-1', 0),
        aggregateId: 'a-1',
        aggregateVersion: 5,
        occurredAt: '2025-02-03T04:05:06.000Z',
        correlationId: 'corr-c-1',
        causationId: 'c-1',
        actorId: null,
      },
      expect.objectContaining({ eventId: eventIdFor('c-1', 1), aggregateVersion: 6 }),
    ]);
    expect(stampEvents([{ x: 1 }], meta('c-1'), 0)[0]!.meta.eventId).toBe(stamped[0]!.meta.eventId);
    expect(eventIdFor('c-1', 0)).not.toBe(eventIdFor('c-2', 0));
    expect(eventIdFor('c-1', 0)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records on every event the person who issued the command', () => {
    const stamped = stampEvents([{ x: 1 }, { x: 2 }], { ...meta('c-1'), actorId: 'user_admin' }, 0);
    expect(stamped.map((s) => s.meta.actorId)).toEqual(['user_admin', 'user_admin']);
  });
});

describe('handleCommand', () => {
  it('accepts, evolves and remembers the command; a repeat replies with the original result and no events', () => {
    const first = handleCommand(adder, undefined, { type: 'Add', n: 2 }, meta('c-1'));
    expect(first.kind).toBe('accepted');
    if (first.kind !== 'accepted') return;
    expect(first.entry).toMatchObject({ state: { total: 2 }, version: 2 });
    expect(first.reply).toMatchObject({
      outcome: 'accepted',
      aggregateVersion: 2,
      eventIds: [eventIdFor('c-1', 0), eventIdFor('c-1', 1)],
    });
    const second = handleCommand(adder, first.entry, { type: 'Add', n: 1 }, meta('c-2'));
    if (second.kind !== 'accepted') throw new Error('expected accepted');
    const repeat = handleCommand(adder, second.entry, { type: 'Add', n: 2 }, meta('c-1'));
    expect(repeat).toEqual({ kind: 'duplicate', reply: first.reply });
  });

  it('replies to a rejection with its code and the unchanged version, remembering nothing', () => {
    const entry = { state: { total: 3 }, version: 3, processed: new Map() };
    const out = handleCommand(adder, entry, { type: 'Add', n: 0 }, meta('c-9'));
    expect(out.reply).toMatchObject({
      outcome: 'rejected',
      rejectionCode: 'not_positive',
      aggregateVersion: 3,
      eventIds: [],
    });
    expect(entry.processed.size).toBe(0);
  });

  it('never mutates the entry it was given (the transaction may still abort)', () => {
    const entry = { state: { total: 1 }, version: 1, processed: new Map() };
    handleCommand(adder, entry, { type: 'Add', n: 1 }, meta('c-3'));
    expect(entry).toEqual({ state: { total: 1 }, version: 1, processed: new Map() });
  });

  it('forgets the oldest commands beyond the dedupe window', () => {
    let entry: ReturnType<typeof fromSnapshot<{ total: number }>> | undefined;
    for (const id of ['c-1', 'c-2', 'c-3']) {
      const out = handleCommand(adder, entry, { type: 'Add', n: 1 }, meta(id), 2);
      if (out.kind === 'accepted') entry = out.entry;
    }
    expect([...entry!.processed.keys()]).toEqual(['c-2', 'c-3']);
  });
});

describe('rebuild fold and snapshots', () => {
  const commands = [meta('c-1'), meta('c-2'), meta('c-3')];
  const stored = commands.flatMap((m, i) => stampEvents([{ type: 'Added' as const, n: i + 1 }], m, i));

  it('rebuilds state, version and dedupe memory from events alone', () => {
    let entry: ReturnType<typeof applyStoredEvent<Evt, { total: number }>> | undefined;
    for (const e of stored) entry = applyStoredEvent(adder as Decider<unknown, Evt, { total: number }>, entry, e);
    expect(entry).toMatchObject({ state: { total: 6 }, version: 3 });
    expect(entry!.processed.get('c-2')).toEqual({ version: 2, eventIds: [eventIdFor('c-2', 0)] });
  });

  it('groups a multi-event command under one dedupe entry, in order', () => {
    const two = stampEvents(
      [
        { type: 'Added' as const, n: 1 },
        { type: 'Added' as const, n: 1 },
      ],
      meta('m-1'),
      0,
    );
    let entry: ReturnType<typeof applyStoredEvent<Evt, { total: number }>> | undefined;
    for (const e of two) entry = applyStoredEvent(adder as Decider<unknown, Evt, { total: number }>, entry, e);
    expect(entry!.processed.get('m-1')).toEqual({ version: 2, eventIds: [eventIdFor('m-1', 0), eventIdFor('m-1', 1)] });
  });

  it('skips events a snapshot already covers, so snapshot + overlapping tail equals a full fold', () => {
    let full: ReturnType<typeof applyStoredEvent<Evt, { total: number }>> | undefined;
    for (const e of stored) full = applyStoredEvent(adder as Decider<unknown, Evt, { total: number }>, full, e);
    let partial: ReturnType<typeof applyStoredEvent<Evt, { total: number }>> | undefined;
    for (const e of stored.slice(0, 2))
      partial = applyStoredEvent(adder as Decider<unknown, Evt, { total: number }>, partial, e);
    const snapshot = JSON.parse(JSON.stringify(toSnapshot('a-1', partial!, codec)));
    let restored = fromSnapshot(snapshot, codec);
    // The tail starts at a conservative checkpoint: it repeats event 2, which must not be applied twice.
    for (const e of stored.slice(1))
      restored = applyStoredEvent(adder as Decider<unknown, Evt, { total: number }>, restored, e);
    expect(restored).toEqual(full);
  });
});

describe('flatRecordMapping', () => {
  const mapping = flatRecordMapping<Cmd & Record<string, unknown>, Evt>({
    eventNamespace: 'shop.adder',
    replyType: 'shop.CommandReply',
  });

  it('reads the envelope off a command and rejects records missing it', () => {
    const { command, meta: m } = mapping.readCommand({ type: 'shop.adder.Add', value: { ...meta('c-1'), n: 2 } });
    expect(command).toMatchObject({ type: 'Add', n: 2 });
    expect(m).toMatchObject({ commandId: 'c-1', aggregateId: 'a-1', causationId: null, idempotencyKey: null });
    expect(() => mapping.readCommand({ type: 'shop.adder.Add', value: { n: 2 } })).toThrow(/commandId/);
    expect(() => mapping.readCommand({ type: 'shop.adder.Add', value: 'x' })).toThrow(/record value/);
  });

  it('round-trips a stamped event through its wire record', () => {
    const [stamped] = stampEvents([{ type: 'Added' as const, n: 5 }], meta('c-1'), 0);
    const record = mapping.writeEvent(stamped!);
    expect(record.type).toBe('shop.adder.Added');
    expect(record.value).toEqual({ ...stamped!.meta, n: 5 });
    expect(mapping.readEvent(record)).toEqual(stamped);
  });
});

describe('typedRecordMapping', () => {
  const mapping = typedRecordMapping<
    { type: string; value: { commandId: string; issuedAt: number } },
    { type: string; value: { amount: number } }
  >({ replyType: 'streamshop.commerce.CommandReply' });
  const envelope = {
    commandId: 'c-1',
    aggregateId: 'a-1',
    correlationId: 'k-1',
    issuedAt: 1000,
    causationId: null,
    idempotencyKey: 'idem',
  };

  it('reads a whole command record and its envelope', () => {
    const { command, meta } = mapping.readCommand({ type: 'x.Deposit', value: { ...envelope, amount: 5 } });
    expect(command).toEqual({ type: 'x.Deposit', value: { ...envelope, amount: 5 } });
    expect(meta).toMatchObject({ commandId: 'c-1', aggregateId: 'a-1', issuedAt: 1000, idempotencyKey: 'idem' });
  });

  it('rejects a command without issuedAt (so the runtime dead-letters it)', () => {
    expect(() => mapping.readCommand({ type: 'x.Deposit', value: { ...envelope, issuedAt: undefined } })).toThrow(
      /issuedAt/,
    );
  });

  it('writes a draft with its stamped envelope and reads it back as the same draft', () => {
    const meta = {
      eventId: 'e-1',
      aggregateId: 'a-1',
      aggregateVersion: 3,
      occurredAt: 1000,
      correlationId: 'k-1',
      causationId: 'c-1',
      actorId: null,
    };
    const written = mapping.writeEvent({ event: { type: 'x.Deposited', value: { amount: 5 } }, meta });
    expect(written).toEqual({ type: 'x.Deposited', value: { ...meta, amount: 5 } });
    expect(mapping.readEvent(written)).toEqual({ event: { type: 'x.Deposited', value: { amount: 5 } }, meta });
  });

  it('carries the acting person from the command record to its events and back, out of the payload', () => {
    const { command, meta } = mapping.readCommand({
      type: 'x.Deposit',
      value: { ...envelope, actorId: 'user_admin', amount: 5 },
    });
    const [stamped] = stampEvents([{ type: 'x.Deposited', value: { amount: 5 } }], meta, 0);
    const written = mapping.writeEvent(stamped!);
    expect(written.value).toMatchObject({ actorId: 'user_admin', causationId: command.value.commandId, amount: 5 });
    expect(mapping.readEvent(written)).toEqual(stamped);
    expect(mapping.readEvent(written).event.value).toEqual({ amount: 5 });
    // Records written before actors were recorded read as the system's.
    const { actorId: _, ...older } = written.value as Record<string, unknown>;
    expect(mapping.readEvent({ type: written.type, value: older }).meta.actorId).toBeNull();
    expect(mapping.readCommand({ type: 'x.Deposit', value: { ...envelope, amount: 5 } }).meta.actorId).toBeNull();
  });
});
