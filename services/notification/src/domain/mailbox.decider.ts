/**
 * The Mailbox aggregate: what messages are owed to whom, and what became of them. One mailbox per order (its
 * aggregate id is the order id: the shopper's contact as the order carried it, and each message about the order)
 * and one per SKU for the admins' low-stock alerts (`stock:<sku>`: its threshold and whether an alert is out).
 *
 * Recording "a message is owed" (NotificationRequested) as an event, in the transaction that consumed its cause,
 * is what makes delivery exactly once in effect: the sender works from these events, and its reports
 * (RecordNotificationSent / RecordNotificationFailed) come back here. Invariants:
 * - one request per notification id: a repeated RequestNotification (a replayed cause) is a no-op;
 * - every attempt of a message carries the same Message-ID, so a receiver can drop the copy a crash re-sends;
 * - a sent message stays sent (a late failure report of an earlier attempt changes nothing); only a failed one
 *   can be retried, as attempt + 1;
 * - one low-stock alert per dip to the threshold or below, re-armed once available stock is above it again.
 * Addresses come from the event stream (the order's contact, else the attached document's buyer; the configured
 * admins), never from a lookup a rebuild could not repeat.
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type {
  Contact,
  EventDraft,
  InvoiceDocument,
  NotificationsCommand,
  NotificationsEventName,
  RecordTypes,
} from '@streamshop/schemas/types';
import { lowStockNotificationId, messageIdFor } from './notification.ids.ts';

export type MailboxEventDraft = EventDraft<NotificationsEventName>;

/** What a NotificationRequested says after its envelope: kept so a retry can request the same message again. */
export type NotificationRequest = EventDraft<'streamshop.notifications.NotificationRequested'>['value'];

export type NotificationStatus = 'requested' | 'sent' | 'failed' | 'skipped';

export interface NotificationEntry {
  status: NotificationStatus;
  /** The attempt last requested (0 for a skipped message). */
  attempt: number;
  /** The request, while a retry may still need it (dropped once sent or skipped). */
  request: NotificationRequest | null;
}

export interface MailboxState {
  /** Whether the order's contact was noted (OrderContactNoted), and what it was (null: the order carried none). */
  contactNoted: boolean;
  contact: Contact | null;
  /** Messages by notification id. A plain object, not a Map: the runtime snapshots state as JSON. */
  notifications: Record<string, NotificationEntry>;
  /** A SKU mailbox's alert state; `alerts` counts the dips alerted so far (it numbers the next alert's id). */
  stock: { threshold: number; alerted: boolean; alerts: number };
}

export interface MailboxOptions {
  /** Host part of every Message-ID: the host of the shop's public URL. */
  messageIdHost: string;
  /** Who receives low-stock alerts (none: the alert is recorded as skipped). */
  adminEmails: readonly string[];
}

/** Why a message was owed but not requested (NotificationSkipped.reason). */
export const SKIP_REASONS = {
  /** The mailbox never learnt the order's contact (its OrderPlaced was not noted). */
  noContact: 'no_contact',
  /** The order was placed without an e-mail address. */
  noEmail: 'no_email',
  /** A low-stock alert with no admin address configured (NOTIFY_ADMIN_EMAILS). */
  noAdminAddress: 'no_admin_address',
} as const;

type Command<N extends NotificationsCommand['type']> = RecordTypes[N];
type Decision = MailboxEventDraft[] | Rejection;

const initialState: MailboxState = {
  contactNoted: false,
  contact: null,
  notifications: {},
  stock: { threshold: 0, alerted: false, alerts: 0 },
};

function noteOrderContact(
  command: Command<'streamshop.notifications.NoteOrderContact'>,
  state: MailboxState,
): Decision {
  if (state.contactNoted) return [];
  const { orderId, customerId, contact } = command;
  return [{ type: 'streamshop.notifications.OrderContactNoted', value: { orderId, customerId, contact } }];
}

/** The fields of a request that are not about an order's shopper (recipients, order details) default to null. */
const NO_DETAILS = {
  recipientName: null,
  locale: null,
  orderId: null,
  sku: null,
  carrier: null,
  trackingNumber: null,
  reason: null,
  amount: null,
  levels: null,
  threshold: null,
  document: null,
} satisfies Partial<NotificationRequest>;

/**
 * The invoice's or credit note's buyer as a contact (their locale is not on the document: the shop's default).
 * Invoicing events reach the reactor on another topic than the order's OrderPlaced, so after downtime or in a
 * replay a confirmation can be requested before the order's contact was noted; the document, issued to the
 * contact the order carried, still says where it goes.
 */
function buyerOf(document: InvoiceDocument | null): Contact | null {
  const email = document?.buyer.email;
  return email ? { email, name: document.buyer.name, locale: null } : null;
}

function requestNotification(
  command: Command<'streamshop.notifications.RequestNotification'>,
  state: MailboxState,
  options: MailboxOptions,
): Decision {
  const { notificationId, kind, orderId, carrier, trackingNumber, reason, amount, document } = command;
  if (kind === 'low_stock') {
    return reject('unsupported_kind', 'low-stock alerts are owed by NoteStockLevel, not requested directly');
  }
  if (state.notifications[notificationId]) return []; // the same cause, noted again
  const contact = state.contactNoted ? state.contact : buyerOf(document);
  if (!contact?.email) {
    const why = state.contactNoted ? SKIP_REASONS.noEmail : SKIP_REASONS.noContact;
    return [{ type: 'streamshop.notifications.NotificationSkipped', value: { notificationId, kind, reason: why } }];
  }
  const request: NotificationRequest = {
    ...NO_DETAILS,
    notificationId,
    attempt: 1,
    kind,
    messageId: messageIdFor(notificationId, options.messageIdHost),
    to: [contact.email],
    recipientName: contact.name,
    locale: contact.locale,
    orderId,
    carrier,
    trackingNumber,
    reason,
    amount,
    document,
  };
  return [{ type: 'streamshop.notifications.NotificationRequested', value: request }];
}

function recordNotificationSent(
  command: Command<'streamshop.notifications.RecordNotificationSent'>,
  state: MailboxState,
): Decision {
  const { notificationId, attempt, messageId, response } = command;
  const entry = state.notifications[notificationId];
  if (!entry) return reject('notification_not_found', `no message ${notificationId} was requested here`);
  if (entry.status === 'skipped') return reject('notification_skipped', `message ${notificationId} was skipped`);
  if (entry.status === 'sent') return []; // the sender's report, redelivered
  // Even after a recorded failure: an earlier attempt did reach the server after all, and it is what was sent.
  return [
    { type: 'streamshop.notifications.NotificationSent', value: { notificationId, attempt, messageId, response } },
  ];
}

function recordNotificationFailed(
  command: Command<'streamshop.notifications.RecordNotificationFailed'>,
  state: MailboxState,
): Decision {
  const { notificationId, attempt, permanent, error, smtpCode } = command;
  const entry = state.notifications[notificationId];
  if (!entry) return reject('notification_not_found', `no message ${notificationId} was requested here`);
  if (entry.status === 'skipped') return reject('notification_skipped', `message ${notificationId} was skipped`);
  if (entry.status === 'sent') return []; // delivered: a late failure of another attempt changes nothing
  // A report about an older attempt than the one now requested (a retry is under way), or a repeat: nothing new.
  if (attempt < entry.attempt || (entry.status === 'failed' && attempt === entry.attempt)) return [];
  return [
    {
      type: 'streamshop.notifications.NotificationFailed',
      value: { notificationId, attempt, permanent, error, smtpCode },
    },
  ];
}

function retryNotification(command: Command<'streamshop.notifications.RetryNotification'>, state: MailboxState) {
  const { notificationId } = command;
  const entry = state.notifications[notificationId];
  if (!entry) return reject('notification_not_found', `no message ${notificationId} was requested here`);
  if (entry.status !== 'failed' || !entry.request) {
    return reject(
      'notification_not_failed',
      `message ${notificationId} is ${entry.status}; only a failed one is retried`,
    );
  }
  const again: NotificationRequest = { ...entry.request, attempt: entry.attempt + 1 };
  return [{ type: 'streamshop.notifications.NotificationRequested' as const, value: again }];
}

function noteStockLevel(
  command: Command<'streamshop.notifications.NoteStockLevel'>,
  state: MailboxState,
  options: MailboxOptions,
): Decision {
  const { sku, levels } = command;
  const threshold = command.threshold ?? state.stock.threshold;
  // threshold 0 turns the alert off (the inventory context's rule for SetLowStockThreshold).
  const low = threshold > 0 && levels.available <= threshold;
  const changed = (alerted: boolean): MailboxEventDraft => ({
    type: 'streamshop.notifications.LowStockAlertStateChanged',
    value: { sku, threshold, alerted, levels },
  });
  if (low && !state.stock.alerted) {
    const notificationId = lowStockNotificationId(sku, state.stock.alerts + 1);
    if (options.adminEmails.length === 0) {
      const skipped = { notificationId, kind: 'low_stock' as const, reason: SKIP_REASONS.noAdminAddress };
      return [changed(true), { type: 'streamshop.notifications.NotificationSkipped', value: skipped }];
    }
    const request: NotificationRequest = {
      ...NO_DETAILS,
      notificationId,
      attempt: 1,
      kind: 'low_stock',
      messageId: messageIdFor(notificationId, options.messageIdHost),
      to: [...options.adminEmails],
      sku,
      levels,
      threshold,
    };
    return [changed(true), { type: 'streamshop.notifications.NotificationRequested', value: request }];
  }
  if (!low && state.stock.alerted) return [changed(false)]; // back above the threshold: re-armed
  if (threshold !== state.stock.threshold) return [changed(state.stock.alerted)];
  return [];
}

function decide(command: NotificationsCommand, state: MailboxState, options: MailboxOptions): Decision {
  switch (command.type) {
    case 'streamshop.notifications.NoteOrderContact':
      return noteOrderContact(command.value, state);
    case 'streamshop.notifications.RequestNotification':
      return requestNotification(command.value, state, options);
    case 'streamshop.notifications.RecordNotificationSent':
      return recordNotificationSent(command.value, state);
    case 'streamshop.notifications.RecordNotificationFailed':
      return recordNotificationFailed(command.value, state);
    case 'streamshop.notifications.RetryNotification':
      return retryNotification(command.value, state);
    case 'streamshop.notifications.NoteStockLevel':
      return noteStockLevel(command.value, state, options);
    default: {
      const unknown: never = command;
      return reject('unsupported_command', `the mailbox does not handle ${(unknown as { type: string }).type}`);
    }
  }
}

function withEntry(state: MailboxState, notificationId: string, entry: NotificationEntry): MailboxState {
  return { ...state, notifications: { ...state.notifications, [notificationId]: entry } };
}

function evolve(state: MailboxState, event: MailboxEventDraft): MailboxState {
  switch (event.type) {
    case 'streamshop.notifications.OrderContactNoted':
      return { ...state, contactNoted: true, contact: event.value.contact };
    case 'streamshop.notifications.NotificationRequested':
      return withEntry(state, event.value.notificationId, {
        status: 'requested',
        attempt: event.value.attempt,
        request: event.value,
      });
    case 'streamshop.notifications.NotificationSent':
      return withEntry(state, event.value.notificationId, {
        status: 'sent',
        attempt: event.value.attempt,
        request: null,
      });
    case 'streamshop.notifications.NotificationFailed': {
      const entry = state.notifications[event.value.notificationId];
      return withEntry(state, event.value.notificationId, {
        status: 'failed',
        attempt: event.value.attempt,
        request: entry?.request ?? null,
      });
    }
    case 'streamshop.notifications.NotificationSkipped':
      return withEntry(state, event.value.notificationId, { status: 'skipped', attempt: 0, request: null });
    case 'streamshop.notifications.LowStockAlertStateChanged': {
      const { threshold, alerted } = event.value;
      const newDip = alerted && !state.stock.alerted;
      return { ...state, stock: { threshold, alerted, alerts: state.stock.alerts + (newDip ? 1 : 0) } };
    }
  }
}

export function createMailboxDecider(
  options: MailboxOptions,
): Decider<NotificationsCommand, MailboxEventDraft, MailboxState> {
  return {
    initialState,
    evolve,
    decide: (command, state) => decide(command, state, options),
  };
}
