/**
 * The shape every aggregate's domain logic takes (Chassaing's "functional event sourcing decider"):
 * `decide` turns a command and the current state into events or a rejection, `evolve` folds one event
 * into the state. Both are pure: no I/O, no clock, no random ids — time and ids arrive on the command,
 * which is what lets the Kafka runtime replay a command after a crash and get byte-identical events.
 */

/** An expected "no": a value, not an exception. `code` is stable snake_case (clients switch on it). */
export interface Rejection {
  readonly rejected: true;
  readonly code: string;
  readonly detail: string;
}

export interface Decider<C, E, S> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[] | Rejection;
}

/**
 * A process (policy) reacts to an event, given what it knows, with commands to send. Pure, like `decide`:
 * the saga's side effects are the commands the runtime produces in the same transaction as the events.
 */
export interface Process<E, S, C> {
  react(event: E, state: S): C[];
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Builds a Rejection; throws on a code that is not snake_case, because codes are a public contract. */
export function reject(code: string, detail: string): Rejection {
  if (!SNAKE_CASE.test(code)) {
    throw new Error(`rejection code ${JSON.stringify(code)} is not stable snake_case (e.g. out_of_stock)`);
  }
  return { rejected: true, code, detail };
}

export function isRejection(decision: unknown): decision is Rejection {
  return typeof decision === 'object' && decision !== null && (decision as { rejected?: unknown }).rejected === true;
}

/** Folds events into a state with the decider's `evolve` (from `initialState` unless given a start). */
export function fold<C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>, from: S = decider.initialState): S {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
