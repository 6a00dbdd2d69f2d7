/** The users context's pure domain: the User decider. */
export { REMEMBERED_DELIVERIES, type UserEventDraft, type UserState, userDecider } from './user.decider.ts';
