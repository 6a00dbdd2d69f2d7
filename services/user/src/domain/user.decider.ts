/**
 * The User aggregate: a shopper or admin as Clerk knows them, one per Clerk user id. Clerk is where users sign up
 * and change their profile; this aggregate records what its webhooks report, so the users read model is folded from
 * the event log like every other one (and can be rebuilt), and no delivery is lost or applied twice.
 *
 * Invariants: a Svix delivery is recorded at most once (its id is remembered), and a delivery older than the last
 * one recorded changes nothing (Svix retries can arrive after a newer event). Time comes from the delivery's
 * `sentAt`, never from the clock.
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type { EventDraft, UsersCommand, UsersEventName } from '@streamshop/schemas/types';

export type UserEventDraft = EventDraft<UsersEventName>;

export interface UserState {
  status: 'none' | 'active' | 'deleted';
  /** sentAt of the last delivery recorded (epoch ms); 0 before the first. */
  sentAt: number;
  /** Svix ids of the deliveries recorded most recently, newest last. */
  svixIds: readonly string[];
}

/** How many delivery ids a user remembers: Svix retries a message for days, but a user gets few events. */
export const REMEMBERED_DELIVERIES = 50;

const PROFILE_EVENTS = new Set(['user.created', 'user.updated']);

function decide(command: UsersCommand, state: UserState): UserEventDraft[] | Rejection {
  switch (command.type) {
    case 'streamshop.users.RecordClerkUserEvent': {
      const { eventType, svixId, sentAt, name, email, imageUrl, role } = command.value;
      if (eventType !== 'user.deleted' && !PROFILE_EVENTS.has(eventType)) {
        return reject('unsupported_event_type', `Clerk event ${eventType} is not a user event we record`);
      }
      if (state.svixIds.includes(svixId)) return []; // a redelivery
      if (sentAt < state.sentAt) return []; // older than what is recorded: Svix retried it late
      if (eventType === 'user.deleted') return [{ type: 'streamshop.users.UserDeleted', value: { svixId, sentAt } }];
      return [{ type: 'streamshop.users.UserProfileRecorded', value: { svixId, sentAt, name, email, imageUrl, role } }];
    }
  }
}

function evolve(state: UserState, event: UserEventDraft): UserState {
  const { svixId, sentAt } = event.value;
  const seen = {
    sentAt: Math.max(state.sentAt, sentAt),
    svixIds: [...state.svixIds, svixId].slice(-REMEMBERED_DELIVERIES),
  };
  switch (event.type) {
    case 'streamshop.users.UserProfileRecorded':
      return { ...seen, status: 'active' };
    case 'streamshop.users.UserDeleted':
      return { ...seen, status: 'deleted' };
  }
}

export const userDecider: Decider<UsersCommand, UserEventDraft, UserState> = {
  initialState: { status: 'none', sentAt: 0, svixIds: [] },
  evolve,
  decide,
};
