import { given, projected } from '@streamshop/projection-runtime';
import { describe, expect, it } from 'vitest';
import { notificationsProjection } from './notifications.projection.ts';

const T0 = 1_790_000_000_000;
const ID = 'order_shipped:order-1';
const event = (version: number, type: string, value: object) =>
  projected('notifications.events', `streamshop.notifications.${type}`, value, {
    aggregateId: 'order-1',
    version,
    at: T0 + version * 1_000,
  });
const requested = (version: number, attempt: number) =>
  event(version, 'NotificationRequested', {
    notificationId: ID,
    attempt,
    kind: 'order_shipped',
    messageId: 'order_shipped.order-1@shop.example.com',
    to: ['ada@example.com'],
    recipientName: 'Ada',
    locale: 'en-GB',
    orderId: 'order-1',
    sku: null,
    carrier: 'DHL',
    trackingNumber: 'JD0001',
    reason: null,
    amount: null,
    levels: null,
    threshold: null,
    document: null,
  });
const sent = (version: number, attempt: number) =>
  event(version, 'NotificationSent', {
    notificationId: ID,
    attempt,
    messageId: 'order_shipped.order-1@shop.example.com',
    response: '250 OK',
  });
const failed = (version: number, attempt: number) =>
  event(version, 'NotificationFailed', {
    notificationId: ID,
    attempt,
    permanent: true,
    error: '550 No such user',
    smtpCode: 550,
  });

describe('notifications projection', () => {
  it('holds a requested message until it is sent', () => {
    expect(given(notificationsProjection, requested(2, 1)).doc(ID)).toEqual({
      _id: ID,
      notificationId: ID,
      mailbox: 'order-1',
      kind: 'order_shipped',
      to: ['ada@example.com'],
      orderId: 'order-1',
      sku: null,
      attempt: 1,
      status: 'requested',
      messageId: 'order_shipped.order-1@shop.example.com',
      lastError: null,
      skippedReason: null,
      requestedAt: T0 + 2_000,
      sentAt: null,
      failedAt: null,
      updatedAt: T0 + 2_000,
      version: 2,
    });
    expect(given(notificationsProjection, requested(2, 1), sent(3, 1)).doc(ID)).toMatchObject({
      status: 'sent',
      sentAt: T0 + 3_000,
      version: 3,
    });
  });

  it('shows a failure with the server’s answer, and a retry going out again with the next attempt', () => {
    const afterFailure = given(notificationsProjection, requested(2, 1), failed(3, 1)).doc(ID);
    expect(afterFailure).toMatchObject({
      status: 'failed',
      attempt: 1,
      lastError: { attempt: 1, message: '550 No such user', smtpCode: 550, permanent: true },
      failedAt: T0 + 3_000,
    });
    const retried = given(notificationsProjection, requested(2, 1), failed(3, 1), requested(4, 2)).doc(ID);
    expect(retried).toMatchObject({ status: 'requested', attempt: 2, lastError: { attempt: 1 } });
    const delivered = given(notificationsProjection, requested(2, 1), failed(3, 1), requested(4, 2), sent(5, 2));
    expect(delivered.doc(ID)).toMatchObject({ status: 'sent', attempt: 2, sentAt: T0 + 5_000 });
  });

  it('records a skipped message with its reason', () => {
    const skipped = event(2, 'NotificationSkipped', {
      notificationId: ID,
      kind: 'order_shipped',
      reason: 'no_contact',
    });
    expect(given(notificationsProjection, skipped).doc(ID)).toMatchObject({
      status: 'skipped',
      skippedReason: 'no_contact',
      orderId: 'order-1',
      mailbox: 'order-1',
      to: [],
    });
  });

  it('applies each event once and ignores the mailbox’s other events', () => {
    const contact = event(1, 'OrderContactNoted', { orderId: 'order-1', customerId: 'user_1', contact: null });
    const folded = given(notificationsProjection, contact, requested(2, 1), sent(3, 1), requested(2, 1));
    expect(folded.doc(ID)).toMatchObject({ status: 'sent', version: 3 });
    expect(folded.doc('order-1')).toBeUndefined();
    expect(folded.skipped).toBe(1);
  });

  it('dead-letters a sent record for a message never requested', () => {
    expect(given(notificationsProjection, sent(3, 1)).failures).toEqual([
      'streamshop.notifications.NotificationSent order-1: no NotificationRequested before it',
    ]);
  });
});
