/** The notifications context's pure domain: the Mailbox decider, the reactor's mapping, and the ids they derive. */
export {
  createMailboxDecider,
  type MailboxEventDraft,
  type MailboxOptions,
  type MailboxState,
  type NotificationEntry,
  type NotificationRequest,
  type NotificationStatus,
  SKIP_REASONS,
} from './mailbox.decider.ts';
export {
  lowStockNotificationId,
  messageIdFor,
  orderNotificationId,
  reactorCommandId,
  refundNotificationId,
  stockMailboxId,
} from './notification.ids.ts';
export {
  asNotificationSource,
  type NotificationSource,
  type TranslateOptions,
  translate,
} from './notification.reactor.ts';
