import type { NotificationRequested } from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import { notificationFailed, notificationSent } from './delivery-records.ts';

const requested = (attempt: number): NotificationRequested => ({
  eventId: '5d0c3f9e-1f0e-4d7e-9a59-1c9f0c1b2a01',
  aggregateId: 'order-1',
  aggregateVersion: 3,
  occurredAt: 1_790_000_000_000,
  correlationId: 'checkout-1',
  causationId: 'c0ffee00-0000-4000-8000-000000000001',
  actorId: null,
  notificationId: 'order_shipped:order-1',
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

describe('delivery records', () => {
  it('records a sent message on its mailbox, caused by the request, with the Message-ID it went out with', () => {
    const { type, key, value } = notificationSent(requested(1), '250 OK id=1', 1_790_000_001_000);
    expect(type).toBe('streamshop.notifications.RecordNotificationSent');
    expect(key).toBe('order-1');
    expect(value).toMatchObject({
      aggregateId: 'order-1',
      correlationId: 'checkout-1',
      causationId: '5d0c3f9e-1f0e-4d7e-9a59-1c9f0c1b2a01',
      issuedAt: 1_790_000_001_000,
      actorId: null,
      notificationId: 'order_shipped:order-1',
      attempt: 1,
      messageId: 'order_shipped.order-1@shop.example.com',
      response: '250 OK id=1',
    });
  });

  it('gives a re-sent message the same command id (the mailbox records it once), and each attempt its own', () => {
    const first = notificationSent(requested(1), '250 OK', 1).value.commandId;
    expect(notificationSent(requested(1), '250 OK again', 2).value.commandId).toBe(first);
    expect(notificationSent(requested(2), '250 OK', 3).value.commandId).not.toBe(first);
    expect(
      notificationFailed(requested(1), { kind: 'permanent', error: 'x', smtpCode: 550 }, 1).value.commandId,
    ).not.toBe(first);
  });

  it('says whether a failure is permanent and keeps the SMTP code', () => {
    expect(
      notificationFailed(requested(2), { kind: 'permanent', error: '550 No such user', smtpCode: 550 }, 5).value,
    ).toMatchObject({ attempt: 2, permanent: true, error: '550 No such user', smtpCode: 550 });
    expect(
      notificationFailed(requested(1), { kind: 'transient', error: '450 Try later', smtpCode: 450 }, 5).value,
    ).toMatchObject({ permanent: false, smtpCode: 450 });
  });
});
