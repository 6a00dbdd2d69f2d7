import { given } from '@streamshop/decider/testing';
import type {
  CommandEnvelope,
  InvoiceDocument,
  NotificationsCommand,
  NotificationsCommandName,
  RecordTypes,
  StockLevels,
} from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import {
  createMailboxDecider,
  type MailboxEventDraft,
  type MailboxOptions,
  type NotificationRequest,
} from './mailbox.decider.ts';

const T0 = 1_790_000_000_000;
const ORDER = 'order-1';
const HOST = 'shop.example.com';
const OPTIONS: MailboxOptions = { messageIdHost: HOST, adminEmails: ['ops@example.com', 'boss@example.com'] };
const mailbox = createMailboxDecider(OPTIONS);
const ADA = { email: 'ada@example.com', name: 'Ada Lovelace', locale: 'en-GB' };

function command<N extends NotificationsCommandName>(
  type: N,
  aggregateId: string,
  payload: Omit<RecordTypes[N], keyof CommandEnvelope>,
): NotificationsCommand {
  const envelope: CommandEnvelope = {
    commandId: '00000000-0000-4000-8000-000000000001',
    aggregateId,
    idempotencyKey: null,
    issuedAt: T0,
    correlationId: 'corr-1',
    causationId: 'evt-1',
    actorId: null,
  };
  return { type, value: { ...envelope, ...payload } } as unknown as NotificationsCommand;
}

const noteContact = (contact: typeof ADA | null = ADA) =>
  command('streamshop.notifications.NoteOrderContact', ORDER, { orderId: ORDER, customerId: 'user_1', contact });
const contactNoted = (contact: typeof ADA | null = ADA): MailboxEventDraft => ({
  type: 'streamshop.notifications.OrderContactNoted',
  value: { orderId: ORDER, customerId: 'user_1', contact },
});

const shipped = () =>
  command('streamshop.notifications.RequestNotification', ORDER, {
    notificationId: `order_shipped:${ORDER}`,
    kind: 'order_shipped',
    orderId: ORDER,
    carrier: 'DHL',
    trackingNumber: 'JJD000390007',
    reason: null,
    amount: null,
    document: null,
  });
const shippedRequest: NotificationRequest = {
  notificationId: `order_shipped:${ORDER}`,
  attempt: 1,
  kind: 'order_shipped',
  messageId: `order_shipped.${ORDER}@${HOST}`,
  to: ['ada@example.com'],
  recipientName: 'Ada Lovelace',
  locale: 'en-GB',
  orderId: ORDER,
  sku: null,
  carrier: 'DHL',
  trackingNumber: 'JJD000390007',
  reason: null,
  amount: null,
  levels: null,
  threshold: null,
  document: null,
};
const requested = (request: NotificationRequest = shippedRequest): MailboxEventDraft => ({
  type: 'streamshop.notifications.NotificationRequested',
  value: request,
});

const sent = (attempt = 1) =>
  command('streamshop.notifications.RecordNotificationSent', ORDER, {
    notificationId: `order_shipped:${ORDER}`,
    attempt,
    messageId: shippedRequest.messageId,
    response: '250 OK',
  });
const sentEvent = (attempt = 1): MailboxEventDraft => ({
  type: 'streamshop.notifications.NotificationSent',
  value: { notificationId: `order_shipped:${ORDER}`, attempt, messageId: shippedRequest.messageId, response: '250 OK' },
});
const failure = { permanent: true, error: '550 mailbox unavailable', smtpCode: 550 };
const failed = (attempt = 1) =>
  command('streamshop.notifications.RecordNotificationFailed', ORDER, {
    notificationId: `order_shipped:${ORDER}`,
    attempt,
    ...failure,
  });
const failedEvent = (attempt = 1): MailboxEventDraft => ({
  type: 'streamshop.notifications.NotificationFailed',
  value: { notificationId: `order_shipped:${ORDER}`, attempt, ...failure },
});
const retry = (notificationId = `order_shipped:${ORDER}`) =>
  command('streamshop.notifications.RetryNotification', ORDER, { notificationId });

describe('NoteOrderContact', () => {
  it('notes the order’s contact once; a repeat is a no-op', () => {
    given(mailbox).when(noteContact()).then([contactNoted()]);
    given(mailbox, [contactNoted()]).when(noteContact()).then([]);
  });

  it('notes an order placed without a contact, too', () => {
    given(mailbox)
      .when(noteContact(null))
      .then([contactNoted(null)]);
  });
});

describe('RequestNotification', () => {
  it('owes the message to the order’s contact, in their locale, with a Message-ID at the shop’s host', () => {
    given(mailbox, [contactNoted()]).when(shipped()).then([requested()]);
  });

  it('carries the invoice of an order_confirmed message and its amount', () => {
    const invoice = { number: 'INV-2026-000001', orderId: ORDER } as InvoiceDocument;
    const gross = { amount: 4999, currency: 'EUR' };
    const confirmed = command('streamshop.notifications.RequestNotification', ORDER, {
      notificationId: `order_confirmed:${ORDER}`,
      kind: 'order_confirmed',
      orderId: ORDER,
      carrier: null,
      trackingNumber: null,
      reason: null,
      amount: gross,
      document: invoice,
    });
    given(mailbox, [contactNoted()])
      .when(confirmed)
      .then([
        requested({
          ...shippedRequest,
          notificationId: `order_confirmed:${ORDER}`,
          kind: 'order_confirmed',
          messageId: `order_confirmed.${ORDER}@${HOST}`,
          carrier: null,
          trackingNumber: null,
          amount: gross,
          document: invoice,
        }),
      ]);
  });

  it('a repeat of the same notification (its cause noted again) is a no-op, whatever became of it', () => {
    given(mailbox, [contactNoted(), requested()]).when(shipped()).then([]);
    given(mailbox, [contactNoted(), requested(), sentEvent()]).when(shipped()).then([]);
    given(mailbox, [contactNoted(), requested(), failedEvent()]).when(shipped()).then([]);
  });

  it('skips the message when the order carries no e-mail address', () => {
    given(mailbox, [contactNoted(null)])
      .when(shipped())
      .then([
        {
          type: 'streamshop.notifications.NotificationSkipped',
          value: { notificationId: `order_shipped:${ORDER}`, kind: 'order_shipped', reason: 'no_email' },
        },
      ]);
  });

  it('skips the message, robustly, when the order’s contact was never noted', () => {
    const skipped: MailboxEventDraft = {
      type: 'streamshop.notifications.NotificationSkipped',
      value: { notificationId: `order_shipped:${ORDER}`, kind: 'order_shipped', reason: 'no_contact' },
    };
    given(mailbox).when(shipped()).then([skipped]);
    given(mailbox, [skipped]).when(shipped()).then([]);
  });

  it('before the order’s contact is noted, a document’s message goes to its buyer (invoicing events come on their own topic)', () => {
    const invoice = {
      number: 'INV-2026-000001',
      orderId: ORDER,
      buyer: { name: 'Ada Lovelace', email: 'ada@example.com', address: null, vatId: null },
    } as InvoiceDocument;
    const confirmed = command('streamshop.notifications.RequestNotification', ORDER, {
      notificationId: `order_confirmed:${ORDER}`,
      kind: 'order_confirmed',
      orderId: ORDER,
      carrier: null,
      trackingNumber: null,
      reason: null,
      amount: null,
      document: invoice,
    });
    given(mailbox)
      .when(confirmed)
      .then([
        requested({
          ...shippedRequest,
          notificationId: `order_confirmed:${ORDER}`,
          kind: 'order_confirmed',
          messageId: `order_confirmed.${ORDER}@${HOST}`,
          locale: null,
          carrier: null,
          trackingNumber: null,
          document: invoice,
        }),
      ]);
    // Once the order is known to carry no address, its own word counts.
    given(mailbox, [contactNoted(null)])
      .when(confirmed)
      .then([
        {
          type: 'streamshop.notifications.NotificationSkipped',
          value: { notificationId: `order_confirmed:${ORDER}`, kind: 'order_confirmed', reason: 'no_email' },
        },
      ]);
  });

  it('refuses a low-stock alert asked for directly (NoteStockLevel owes those)', () => {
    const lowStock = command('streamshop.notifications.RequestNotification', ORDER, {
      notificationId: 'low_stock:SKU-1:1',
      kind: 'low_stock',
      orderId: ORDER,
      carrier: null,
      trackingNumber: null,
      reason: null,
      amount: null,
      document: null,
    });
    given(mailbox, [contactNoted()]).when(lowStock).thenRejects('unsupported_kind');
  });
});

describe('RecordNotificationSent', () => {
  it('records the delivery; a repeat is a no-op', () => {
    given(mailbox, [contactNoted(), requested()]).when(sent()).then([sentEvent()]);
    given(mailbox, [contactNoted(), requested(), sentEvent()]).when(sent()).then([]);
  });

  it('records a delivery reported after a failure was recorded (that attempt did reach the server)', () => {
    given(mailbox, [contactNoted(), requested(), failedEvent()]).when(sent()).then([sentEvent()]);
  });

  it('rejects a report about a message never requested, or skipped', () => {
    given(mailbox, [contactNoted()]).when(sent()).thenRejects('notification_not_found');
    given(mailbox, [
      {
        type: 'streamshop.notifications.NotificationSkipped',
        value: { notificationId: `order_shipped:${ORDER}`, kind: 'order_shipped', reason: 'no_contact' },
      },
    ])
      .when(sent())
      .thenRejects('notification_skipped');
  });
});

describe('RecordNotificationFailed', () => {
  it('records the failure; a repeat is a no-op', () => {
    given(mailbox, [contactNoted(), requested()]).when(failed()).then([failedEvent()]);
    given(mailbox, [contactNoted(), requested(), failedEvent()]).when(failed()).then([]);
  });

  it('a sent message stays sent', () => {
    given(mailbox, [contactNoted(), requested(), sentEvent()]).when(failed()).then([]);
  });

  it('a failure of an older attempt than the one requested changes nothing', () => {
    const retried = requested({ ...shippedRequest, attempt: 2 });
    given(mailbox, [contactNoted(), requested(), failedEvent(1), retried])
      .when(failed(1))
      .then([]);
    given(mailbox, [contactNoted(), requested(), failedEvent(1), retried])
      .when(failed(2))
      .then([failedEvent(2)]);
  });

  it('rejects a report about a message never requested', () => {
    given(mailbox).when(failed()).thenRejects('notification_not_found');
  });
});

describe('RetryNotification', () => {
  it('requests a failed message again as attempt + 1, with the same Message-ID and details', () => {
    given(mailbox, [contactNoted(), requested(), failedEvent()])
      .when(retry())
      .then([requested({ ...shippedRequest, attempt: 2 })]);
    given(mailbox, [
      contactNoted(),
      requested(),
      failedEvent(1),
      requested({ ...shippedRequest, attempt: 2 }),
      failedEvent(2),
    ])
      .when(retry())
      .then([requested({ ...shippedRequest, attempt: 3 })]);
  });

  it('rejects a message that is not failed, or unknown', () => {
    given(mailbox, [contactNoted(), requested()]).when(retry()).thenRejects('notification_not_failed');
    given(mailbox, [contactNoted(), requested(), sentEvent()]).when(retry()).thenRejects('notification_not_failed');
    given(mailbox, [contactNoted(), requested(), failedEvent(), requested({ ...shippedRequest, attempt: 2 })])
      .when(retry())
      .thenRejects('notification_not_failed');
    given(mailbox, [contactNoted()]).when(retry('order_delivered:order-1')).thenRejects('notification_not_found');
  });
});

describe('NoteStockLevel', () => {
  const SKU = 'SKU-1';
  const STOCK = `stock:${SKU}`;
  const levels = (available: number): StockLevels => ({ onHand: available + 2, reserved: 2, available });
  const note = (available: number, threshold: number | null = null) =>
    command('streamshop.notifications.NoteStockLevel', STOCK, {
      sku: SKU,
      levels: levels(available),
      threshold,
      causeEventId: `inv-${available}`,
    });
  const alertState = (threshold: number, alerted: boolean, available: number): MailboxEventDraft => ({
    type: 'streamshop.notifications.LowStockAlertStateChanged',
    value: { sku: SKU, threshold, alerted, levels: levels(available) },
  });
  const alert = (dip: number, available: number, threshold = 5): MailboxEventDraft =>
    requested({
      notificationId: `low_stock:${SKU}:${dip}`,
      attempt: 1,
      kind: 'low_stock',
      messageId: `low_stock.${SKU}.${dip}@${HOST}`,
      to: ['ops@example.com', 'boss@example.com'],
      recipientName: null,
      locale: null,
      orderId: null,
      sku: SKU,
      carrier: null,
      trackingNumber: null,
      reason: null,
      amount: null,
      levels: levels(available),
      threshold,
      document: null,
    });

  it('records a new threshold; levels above it owe nothing', () => {
    given(mailbox)
      .when(note(20, 5))
      .then([alertState(5, false, 20)]);
    given(mailbox, [alertState(5, false, 20)])
      .when(note(12))
      .then([]);
    given(mailbox, [alertState(5, false, 20)])
      .when(note(12, 5))
      .then([]);
  });

  it('with no threshold (0: alerts off), nothing is owed however low the stock', () => {
    given(mailbox).when(note(0)).then([]);
  });

  it('owes the admins one alert when available stock falls to the threshold, not again in the same dip', () => {
    given(mailbox, [alertState(5, false, 20)])
      .when(note(5))
      .then([alertState(5, true, 5), alert(1, 5)]);
    given(mailbox, [alertState(5, false, 20), alertState(5, true, 5), alert(1, 5)])
      .when(note(2))
      .then([]);
  });

  it('alerts at once when a threshold is set above the available stock', () => {
    given(mailbox)
      .when(note(3, 5))
      .then([alertState(5, true, 3), alert(1, 3)]);
  });

  it('re-arms once stock rises above the threshold, and the next dip is a new alert', () => {
    const firstDip = [alertState(5, false, 20), alertState(5, true, 4), alert(1, 4)];
    given(mailbox, firstDip)
      .when(note(6))
      .then([alertState(5, false, 6)]);
    given(mailbox, [...firstDip, alertState(5, false, 6)])
      .when(note(1))
      .then([alertState(5, true, 1), alert(2, 1)]);
  });

  it('turning the threshold off during a dip re-arms; raising it while alerted keeps the alert out', () => {
    const dip = [alertState(5, true, 4), alert(1, 4)];
    given(mailbox, dip)
      .when(note(4, 0))
      .then([alertState(0, false, 4)]);
    given(mailbox, dip)
      .when(note(4, 8))
      .then([alertState(8, true, 4)]);
  });

  it('with no admin address configured, the alert is recorded as skipped (and still counts as the dip’s)', () => {
    const noAdmins = createMailboxDecider({ messageIdHost: HOST, adminEmails: [] });
    given(noAdmins, [alertState(5, false, 20)])
      .when(note(5))
      .then([
        alertState(5, true, 5),
        {
          type: 'streamshop.notifications.NotificationSkipped',
          value: { notificationId: `low_stock:${SKU}:1`, kind: 'low_stock', reason: 'no_admin_address' },
        },
      ]);
  });

  it('a low-stock alert that failed can be retried like any message', () => {
    const failedAlert: MailboxEventDraft = {
      type: 'streamshop.notifications.NotificationFailed',
      value: { notificationId: `low_stock:${SKU}:1`, attempt: 1, ...failure },
    };
    const retried = alert(1, 3);
    given(mailbox, [alertState(5, true, 3), alert(1, 3), failedAlert])
      .when(command('streamshop.notifications.RetryNotification', STOCK, { notificationId: `low_stock:${SKU}:1` }))
      .then([{ ...retried, value: { ...(retried.value as NotificationRequest), attempt: 2 } } as MailboxEventDraft]);
  });
});

describe('state', () => {
  it('survives a JSON round trip (the runtime snapshots it as JSON)', () => {
    const history = [contactNoted(), requested(), failedEvent()];
    const state = history.reduce(mailbox.evolve, mailbox.initialState);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.notifications[`order_shipped:${ORDER}`]).toMatchObject({ status: 'failed', attempt: 1 });
  });
});
