import { describe, expect, it } from 'vitest';
import type { OrderStatus, TimelineEntry } from '../api/types.ts';
import { awaitingPayment, newerOrder, timelineSteps } from './timeline.ts';

const entry = (status: OrderStatus, version: number): TimelineEntry => ({
  status,
  at: `2026-01-01T10:00:0${version}.000Z`,
  event: status,
  version,
});

describe('order timeline', () => {
  it('marks reached steps done with their times, the current one current and the rest upcoming', () => {
    const steps = timelineSteps({
      status: 'paid',
      timeline: [entry('placed', 1), entry('reserved', 2), entry('payment_requested', 3), entry('paid', 4)],
    });
    expect(steps.map((s) => [s.status, s.state, s.at])).toEqual([
      ['placed', 'done', '2026-01-01T10:00:01.000Z'],
      ['reserved', 'done', '2026-01-01T10:00:02.000Z'],
      ['payment_requested', 'done', '2026-01-01T10:00:03.000Z'],
      ['paid', 'current', '2026-01-01T10:00:04.000Z'],
      ['confirmed', 'upcoming', undefined],
      ['shipped', 'upcoming', undefined],
      ['delivered', 'upcoming', undefined],
    ]);
    expect(steps[1]?.label).toBe('Stock reserved');
  });

  it('shows a cancelled order as the steps it reached, then where it ended', () => {
    const steps = timelineSteps({
      status: 'cancelled',
      timeline: [entry('placed', 1), entry('reserved', 2), entry('cancelled', 3)],
    });
    expect(steps.map((s) => [s.status, s.state])).toEqual([
      ['placed', 'done'],
      ['reserved', 'done'],
      ['cancelled', 'ended'],
    ]);
  });

  it('uses the first time a status was reached', () => {
    const steps = timelineSteps({ status: 'placed', timeline: [entry('placed', 1), entry('placed', 2)] });
    expect(steps[0]?.at).toBe('2026-01-01T10:00:01.000Z');
  });

  it('asks for payment only while the payment is requested and not yet paid', () => {
    expect(awaitingPayment({ status: 'payment_requested', payment: null })).toBe(true);
    expect(awaitingPayment({ status: 'reserved', payment: null })).toBe(false);
    expect(awaitingPayment({ status: 'paid', payment: null })).toBe(false);
  });

  it('keeps the higher version of an order', () => {
    expect(newerOrder({ version: 5 }, { version: 4 })).toEqual({ version: 5 });
    expect(newerOrder({ version: 5 }, { version: 6 })).toEqual({ version: 6 });
    expect(newerOrder(undefined, { version: 1 })).toEqual({ version: 1 });
  });
});
