import { given } from '@streamshop/decider/testing';
import type { CommandEnvelope, RecordTypes, UsersCommand } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { REMEMBERED_DELIVERIES, type UserEventDraft, userDecider } from './user.decider.ts';

const T0 = 1_790_000_000_000;
type Delivery = Omit<RecordTypes['streamshop.users.RecordClerkUserEvent'], keyof CommandEnvelope>;

function clerk(eventType: string, svixId: string, sentAt: number, profile: Partial<Delivery> = {}): UsersCommand {
  const envelope: CommandEnvelope = {
    commandId: '00000000-0000-4000-8000-000000000001',
    aggregateId: 'user_1',
    idempotencyKey: null,
    issuedAt: T0 + 60_000,
    correlationId: svixId,
    causationId: null,
  };
  const value: Delivery = {
    eventType,
    svixId,
    sentAt,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    imageUrl: null,
    role: 'shopper',
    ...profile,
  };
  return { type: 'streamshop.users.RecordClerkUserEvent', value: { ...envelope, ...value } };
}

const recorded = (svixId: string, sentAt: number, profile: object = {}): UserEventDraft => ({
  type: 'streamshop.users.UserProfileRecorded',
  value: {
    svixId,
    sentAt,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    imageUrl: null,
    role: 'shopper',
    ...profile,
  },
});
const deleted = (svixId: string, sentAt: number): UserEventDraft => ({
  type: 'streamshop.users.UserDeleted',
  value: { svixId, sentAt },
});

describe('RecordClerkUserEvent', () => {
  it('records a created or updated user’s profile as Clerk reported it', () => {
    given(userDecider)
      .when(clerk('user.created', 'msg_1', T0))
      .then([recorded('msg_1', T0)]);
    given(userDecider, [recorded('msg_1', T0)])
      .when(clerk('user.updated', 'msg_2', T0 + 5, { name: 'Augusta Ada King', role: 'admin' }))
      .then([recorded('msg_2', T0 + 5, { name: 'Augusta Ada King', role: 'admin' })]);
  });

  it('records a deletion', () => {
    given(userDecider, [recorded('msg_1', T0)])
      .when(clerk('user.deleted', 'msg_2', T0 + 5))
      .then([deleted('msg_2', T0 + 5)]);
  });

  it('a redelivery of a recorded message changes nothing', () => {
    given(userDecider, [recorded('msg_1', T0), recorded('msg_2', T0 + 5)])
      .when(clerk('user.created', 'msg_1', T0))
      .then([]);
  });

  it('a delivery older than the last one recorded changes nothing (a late Svix retry)', () => {
    given(userDecider, [recorded('msg_3', T0 + 10)])
      .when(clerk('user.updated', 'msg_2', T0 + 5, { name: 'Stale' }))
      .then([]);
    given(userDecider, [deleted('msg_3', T0 + 10)])
      .when(clerk('user.updated', 'msg_2', T0 + 5))
      .then([]);
  });

  it('rejects an event type that is not a user event', () => {
    given(userDecider)
      .when(clerk('session.created', 'msg_1', T0))
      .thenRejects('unsupported_event_type');
  });

  it('remembers the most recent deliveries only, and always the newest time', () => {
    const history = Array.from({ length: REMEMBERED_DELIVERIES + 5 }, (_, i) => recorded(`msg_${i}`, T0 + i));
    const state = history.reduce(userDecider.evolve, userDecider.initialState);
    expect(state.svixIds).toHaveLength(REMEMBERED_DELIVERIES);
    expect(state.svixIds.at(-1)).toBe(`msg_${REMEMBERED_DELIVERIES + 4}`);
    expect(state.sentAt).toBe(T0 + REMEMBERED_DELIVERIES + 4);
    expect(state.status).toBe('active');
  });
});
