import { fold } from '@streamshop/decider';
import { describe, expect, it } from 'vitest';
import { createOrderDecider, type Order } from './order.decider.ts';
import { drafts, history, ORDER_DECIDER_CONFIG } from './order.fixtures.ts';
import { orderStateCodec } from './order.snapshot.ts';

const decider = createOrderDecider(ORDER_DECIDER_CONFIG);
const viaSnapshot = (state: unknown) => orderStateCodec.fromJSON(JSON.parse(JSON.stringify(state)));

describe('orderStateCodec', () => {
  it('gives back the state it stored', () => {
    const state = fold(decider, [...history.confirmed, drafts.shipped, drafts.refunded(1000)]);
    expect(viaSnapshot(orderStateCodec.toJSON(state))).toEqual(state);
  });

  it('reads a snapshot from before the state kept billing fields: unknown contact, address and reference', () => {
    const { contact, shippingAddress, paymentReference, sale, invoiceNumber, ...old } = fold(
      decider,
      history.confirmed,
    ) as Order;
    expect(viaSnapshot(old)).toEqual({
      ...old,
      contact: null,
      shippingAddress: null,
      paymentReference: null,
      invoiceNumber: null,
      // As the fold gives it for any order that can still be refunded: paid and live.
      sale: true,
    });
    const { sale: _, ...oldCancelled } = fold(decider, [
      ...history.awaitingPayment,
      drafts.cancelled('payment_timeout'),
    ]) as Order;
    expect(viaSnapshot(oldCancelled)).toMatchObject({ sale: false });
  });
});
