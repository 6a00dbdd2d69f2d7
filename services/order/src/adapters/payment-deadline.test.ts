import type { OrderPaymentRequested } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { expireOrderPayment, trackPaymentDeadlines } from './payment-deadline.ts';

const envelope = {
  eventId: 'e-4',
  aggregateId: 'order-1',
  aggregateVersion: 4,
  occurredAt: 1_000,
  correlationId: 'corr-1',
  causationId: 'c-3',
};
const requested: OrderPaymentRequested = {
  ...envelope,
  paymentId: 'pay-1',
  provider: 'stripe',
  amount: { amount: 5000, currency: 'EUR' },
  deadline: 61_000,
};

describe('payment deadlines', () => {
  it('an order awaiting payment is due at its deadline; paid or cancelled, it is not', () => {
    const set = trackPaymentDeadlines({ type: 'streamshop.orders.OrderPaymentRequested', value: requested });
    expect(set).toEqual({
      set: [{ key: 'order-1', due: 61_000, item: { deadline: 61_000, correlationId: 'corr-1', eventId: 'e-4' } }],
    });
    for (const type of ['OrderPaid', 'OrderCancelled', 'OrderPaymentFailed']) {
      expect(trackPaymentDeadlines({ type: `streamshop.orders.${type}`, value: envelope })).toEqual({
        clear: ['order-1'],
      });
    }
    expect(trackPaymentDeadlines({ type: 'streamshop.orders.OrderPlaced', value: envelope })).toBeUndefined();
  });

  it('sends ExpireOrderPayment issued now, with the same commandId every time for one deadline', () => {
    const deadline = {
      key: 'order-1',
      due: 61_000,
      item: { deadline: 61_000, correlationId: 'corr-1', eventId: 'e-4' },
    };
    const [first] = expireOrderPayment(deadline, 62_000, 'p.orders.commands');
    const [again] = expireOrderPayment(deadline, 95_000, 'p.orders.commands');
    expect(first).toMatchObject({
      topic: 'p.orders.commands',
      key: 'order-1',
      type: 'streamshop.orders.ExpireOrderPayment',
      value: {
        aggregateId: 'order-1',
        issuedAt: 62_000,
        deadline: 61_000,
        causationId: 'e-4',
        correlationId: 'corr-1',
      },
    });
    expect((again!.value as { commandId: string }).commandId).toBe((first!.value as { commandId: string }).commandId);
  });
});
