import type { Notification } from '@streamshop/projections/queries';
import { describe, expect, it } from 'vitest';
import { countsLine, notificationTable, retryRefusal } from './notifications.command.ts';

const failed: Notification = {
  notificationId: 'order_shipped:order-1',
  mailbox: 'order-1',
  kind: 'order_shipped',
  to: ['ada@example.com'],
  orderId: 'order-1',
  sku: null,
  attempt: 1,
  status: 'failed',
  messageId: 'order_shipped.order-1@shop.example.com',
  lastError: { attempt: 1, message: '550 5.1.1 No such user', smtpCode: 550, permanent: true },
  skippedReason: null,
  requestedAt: Date.UTC(2026, 10, 29, 2, 0),
  sentAt: null,
  failedAt: Date.UTC(2026, 10, 29, 2, 1),
  updatedAt: Date.UTC(2026, 10, 29, 2, 1),
  version: 3,
};

describe('notifications command', () => {
  it('counts every status, in one order', () => {
    expect(countsLine({ requested: 2, sent: 40, failed: 1, skipped: 0 })).toBe(
      'requested 2  sent 40  failed 1  skipped 0',
    );
  });

  it('lists a failed message with its id, attempt and the server’s answer', () => {
    const [header, row] = notificationTable([failed]).split('\n');
    expect(header).toMatch(/^UPDATED\s+STATUS\s+ID\s+KIND\s+ATTEMPT\s+TO\s+LAST ERROR$/);
    expect(row).toMatch(
      /^2026-11-29T02:01:00Z\s+failed\s+order_shipped:order-1\s+order_shipped\s+1\s+ada@example.com\s+permanent: 550 5.1.1 No such user$/,
    );
  });

  it('retries only a failed message, and says why not otherwise', () => {
    expect(retryRefusal(failed.notificationId, failed)).toBeNull();
    expect(retryRefusal('nope', null)).toBe('no notification nope; list them with `streamshop notifications status`');
    expect(retryRefusal(failed.notificationId, { ...failed, status: 'sent', sentAt: Date.UTC(2026, 0, 1) })).toMatch(
      /is not failed: it was sent at 2026-01-01T00:00:00Z/,
    );
    expect(retryRefusal(failed.notificationId, { ...failed, status: 'requested' })).toMatch(/still owed/);
    expect(retryRefusal(failed.notificationId, { ...failed, status: 'skipped', skippedReason: 'no_contact' })).toMatch(
      /skipped \(no_contact\)/,
    );
  });
});
