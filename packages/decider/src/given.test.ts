import { describe, expect, it } from 'vitest';
import { type Decider, fold, reject } from './decider.ts';
import { given } from './given.ts';

// A tiny counter: enough state (a value and a cap) for decide to depend on evolve.
type Cmd = { type: 'Increment'; by: number } | { type: 'Reset' };
type Evt = { type: 'Incremented'; by: number } | { type: 'CounterReset' };
type State = { value: number };
const MAX = 10;

const counter: Decider<Cmd, Evt, State> = {
  initialState: { value: 0 },
  evolve: (s, e) => (e.type === 'Incremented' ? { value: s.value + e.by } : { value: 0 }),
  decide: (c, s) => {
    if (c.type === 'Reset') return s.value === 0 ? [] : [{ type: 'CounterReset' }];
    if (c.by <= 0) return reject('invalid_amount', `increment must be positive, got ${c.by}`);
    if (s.value + c.by > MAX) return reject('limit_exceeded', `${s.value} + ${c.by} exceeds ${MAX}`);
    return [{ type: 'Incremented', by: c.by }];
  },
};

function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

describe('given/when/then', () => {
  it('passes when the decider yields the expected events', () => {
    given(counter)
      .when({ type: 'Increment', by: 3 })
      .then([{ type: 'Incremented', by: 3 }]);
    given(counter, [{ type: 'Incremented', by: 3 }])
      .when({ type: 'Reset' })
      .then([{ type: 'CounterReset' }]);
  });

  it('folds the given events with evolve before deciding', () => {
    given(counter, [{ type: 'Incremented', by: 9 }])
      .when({ type: 'Increment', by: 2 })
      .thenRejects('limit_exceeded');
    given(counter, [{ type: 'Incremented', by: 9 }, { type: 'CounterReset' }])
      .when({ type: 'Increment', by: 2 })
      .then([{ type: 'Incremented', by: 2 }]);
  });

  it('expresses a no-op as no events', () => {
    given(counter).when({ type: 'Reset' }).then([]);
  });

  it('checks the rejection detail when asked', () => {
    given(counter).when({ type: 'Increment', by: 0 }).thenRejects('invalid_amount', /got 0/);
    const msg = failureOf(() =>
      given(counter).when({ type: 'Increment', by: 0 }).thenRejects('invalid_amount', 'nope'),
    );
    expect(msg).toContain('expected: rejection invalid_amount (nope)');
  });

  it('fails with the whole scenario when the events differ', () => {
    const msg = failureOf(() =>
      given(counter, [{ type: 'Incremented', by: 1 }])
        .when({ type: 'Increment', by: 2 })
        .then([{ type: 'Incremented', by: 5 }]),
    );
    expect(msg).toMatch(/given: +\[\s+\{\s+"type": "Incremented",\s+"by": 1/);
    expect(msg).toMatch(/when: +\{\s+"type": "Increment",\s+"by": 2/);
    expect(msg).toMatch(/expected: events \[\s+\{\s+"type": "Incremented",\s+"by": 5/);
    expect(msg).toMatch(/actual: +events \[\s+\{\s+"type": "Incremented",\s+"by": 2/);
  });

  it('fails when a rejection was expected but events came out', () => {
    const msg = failureOf(() => given(counter).when({ type: 'Increment', by: 1 }).thenRejects('limit_exceeded'));
    expect(msg).toContain('given:    (no events)');
    expect(msg).toContain('expected: rejection limit_exceeded');
    expect(msg).toContain('actual:   events');
  });

  it('fails when events were expected but the command was rejected, or with another code', () => {
    const rejected = failureOf(() => given(counter).when({ type: 'Increment', by: -1 }).then([]));
    expect(rejected).toContain('actual:   rejected');
    expect(rejected).toContain('"code": "invalid_amount"');
    const otherCode = failureOf(() => given(counter).when({ type: 'Increment', by: -1 }).thenRejects('limit_exceeded'));
    expect(otherCode).toContain('expected: rejection limit_exceeded');
    expect(otherCode).toContain('"code": "invalid_amount"');
  });
});

describe('reject', () => {
  it('builds a rejection value', () => {
    expect(reject('out_of_stock', 'sku A: 0 left')).toEqual({
      rejected: true,
      code: 'out_of_stock',
      detail: 'sku A: 0 left',
    });
  });

  it('refuses codes that are not snake_case', () => {
    for (const bad of ['OutOfStock', 'out-of-stock', '', 'out of stock', '_x', 'x_']) {
      expect(() => reject(bad, 'd')).toThrow(/snake_case/);
    }
  });
});

describe('fold', () => {
  it('folds from the initial state or from a given state', () => {
    expect(
      fold(counter, [
        { type: 'Incremented', by: 2 },
        { type: 'Incremented', by: 3 },
      ]),
    ).toEqual({ value: 5 });
    expect(fold(counter, [{ type: 'Incremented', by: 2 }], { value: 4 })).toEqual({ value: 6 });
  });
});
