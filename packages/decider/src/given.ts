/**
 * The one given/when/then helper every decider test uses:
 *
 *   given(order, [placed]).when(cancel).then([cancelled]);
 *   given(stock, [received]).when(reserveTooMuch).thenRejects('out_of_stock');
 *
 * It folds the given events with the decider's own `evolve`, so tests exercise evolve and decide together,
 * and failures print the whole scenario (given / when / expected / actual), not just a diff.
 */
import { expect } from 'vitest';
import { type Decider, fold, isRejection, type Rejection } from './decider.ts';

export interface When<E> {
  /** Asserts the command is accepted and yields exactly these events, in order (`[]` for a no-op). */
  then(expected: E[]): void;
  /** Asserts the command is rejected with this code (and, if given, a detail matching this string/regex). */
  thenRejects(code: string, detail?: string | RegExp): void;
}

export interface Given<C, E> {
  when(command: C): When<E>;
}

const show = (value: unknown): string => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), 2);

function scenario(given: readonly unknown[], command: unknown, expected: string, actual: unknown): string {
  return [
    '',
    `given:    ${given.length === 0 ? '(no events)' : show(given)}`,
    `when:     ${show(command)}`,
    `expected: ${expected}`,
    `actual:   ${isRejection(actual) ? `rejected ${show(actual)}` : `events ${show(actual)}`}`,
  ].join('\n');
}

export function given<C, E, S>(decider: Decider<C, E, S>, events: E[] = []): Given<C, E> {
  return {
    when(command: C): When<E> {
      const decide = (): E[] | Rejection => decider.decide(command, fold(decider, events));
      return {
        // biome-ignore lint/suspicious/noThenProperty: `then` is the house vocabulary (given/when/then); never awaited.
        then(expected: E[]) {
          const actual = decide();
          const message = scenario(events, command, `events ${show(expected)}`, actual);
          expect(isRejection(actual), message).toBe(false);
          expect(actual, message).toEqual(expected);
        },
        thenRejects(code: string, detail?: string | RegExp) {
          const actual = decide();
          const want = detail === undefined ? code : `${code} (${String(detail)})`;
          const message = scenario(events, command, `rejection ${want}`, actual);
          expect(isRejection(actual), message).toBe(true);
          expect((actual as Rejection).code, message).toBe(code);
          if (detail !== undefined) expect((actual as Rejection).detail, message).toMatch(detail);
        },
      };
    },
  };
}
