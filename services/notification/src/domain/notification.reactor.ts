/**
 * The notification reactor's mapping, pure: an order, invoicing or inventory event → the commands that tell the
 * mailboxes about it (notifications.commands, keyed by the mailbox: the order id, or `stock:<sku>`). The service's
 * runtime calls it inside the Kafka transaction that consumes the event, so what is owed is recorded exactly once
 * with the consumer offsets.
 *
 * - OrderPlaced → NoteOrderContact (the shopper's address, as the order carries it);
 * - InvoiceIssued → order_confirmed with the invoice; CreditNoteIssued → order_refunded with the credit note;
 * - OrderPaymentFailed → payment_failed; OrderCancelled → order_cancelled; OrderShipped → order_shipped (carrier,
 *   tracking); OrderDelivered → order_delivered;
 * - every inventory event (each carries the SKU's levels) → NoteStockLevel, with the threshold when it set one.
 *
 * With `notBefore` (config.notifications.notBefore, NOTIFY_NOT_BEFORE), an event that occurred before it causes no
 * command but the contact note: the reactor reads its topics from the beginning, so a shop that adds the service
 * would otherwise e-mail every past customer (and alert the admins of every past dip). OrderPlaced still notes the
 * contact, which sends nothing, so an order placed before the cut-off and shipped after it is told of its shipment.
 *
 * Every command is derived, never drawn: commandId is UUID v5 of the event id and the command's index, causationId
 * the event id, issuedAt its occurredAt, correlationId and actorId copied. Re-running over the same event (a retry
 * after a crash, a replay) gives byte-identical commands, which the mailbox treats as the no-ops they are.
 */
import { ORDER_REASONS } from '@streamshop/order-service';
import type {
  CommandEnvelope,
  EventEnvelope,
  InventoryEvent,
  InvoicingEvent,
  NotificationsCommand,
  NotificationsCommandName,
  OrdersEvent,
  RecordTypes,
  RequestNotification,
} from '@streamshop/schemas/types';
import { recordNames } from '@streamshop/schemas/types';
import { orderNotificationId, reactorCommandId, refundNotificationId, stockMailboxId } from './notification.ids.ts';

/** The events the reactor reads (orders.events, invoicing.events, inventory.events). */
export type NotificationSource = OrdersEvent | InvoicingEvent | InventoryEvent;

/**
 * An order cancelled because its payment failed or timed out already owes the shopper the payment_failed message
 * (the order context writes OrderPaymentFailed and then OrderCancelled for it): one e-mail says both.
 */
const CANCELLATIONS_TOLD_BY_PAYMENT_FAILED: ReadonlySet<string> = new Set([
  ORDER_REASONS.paymentFailed,
  ORDER_REASONS.paymentTimeout,
]);

type RequestDetails = Omit<RequestNotification, keyof CommandEnvelope>;

const NO_DETAILS = { carrier: null, trackingNumber: null, reason: null, amount: null, document: null } as const;

function commandsCausedBy(cause: EventEnvelope) {
  const commands: NotificationsCommand[] = [];
  const send = <N extends NotificationsCommandName>(
    type: N,
    aggregateId: string,
    payload: Omit<RecordTypes[N], keyof CommandEnvelope>,
  ) => {
    const envelope: CommandEnvelope = {
      commandId: reactorCommandId(cause.eventId, commands.length),
      aggregateId,
      idempotencyKey: null,
      issuedAt: cause.occurredAt,
      correlationId: cause.correlationId,
      causationId: cause.eventId,
      actorId: cause.actorId ?? null,
    };
    commands.push({ type, value: { ...envelope, ...payload } } as unknown as NotificationsCommand);
  };
  const request = (orderId: string, details: Partial<RequestDetails> & Pick<RequestDetails, 'kind'>) =>
    send('streamshop.notifications.RequestNotification', orderId, {
      ...NO_DETAILS,
      notificationId: orderNotificationId(details.kind, orderId),
      orderId,
      ...details,
    });
  return { commands, send, request };
}

const SOURCE_EVENTS: ReadonlySet<string> = new Set([
  ...recordNames.orders.events,
  ...recordNames.invoicing.events,
  ...recordNames.inventory.events,
]);

/**
 * A decoded record from the reactor's topics as the event it must be; anything else (a command written to an
 * events topic, a record type this service does not know yet) throws, so the runtime dead-letters it instead of
 * guessing, and moves on.
 */
export function asNotificationSource(record: { type: string; value: unknown }): NotificationSource {
  if (!SOURCE_EVENTS.has(record.type) || typeof record.value !== 'object' || record.value === null) {
    throw new Error(`${record.type} is not an order, invoicing or inventory event the notification service reads`);
  }
  return record as NotificationSource;
}

export interface TranslateOptions {
  /** Epoch ms: events that occurred before it owe no message (see the module's comment). */
  notBefore?: number | undefined;
}

/** One event → the mailbox commands it causes (`[]` for events no message follows from). */
export function translate(event: NotificationSource, options: TranslateOptions = {}): NotificationsCommand[] {
  const { commands, send, request } = commandsCausedBy(event.value);
  const before = options.notBefore !== undefined && event.value.occurredAt < options.notBefore;
  if (before && event.type !== 'streamshop.orders.OrderPlaced') return commands;
  switch (event.type) {
    case 'streamshop.orders.OrderPlaced': {
      const { aggregateId: orderId, customerId, contact } = event.value;
      send('streamshop.notifications.NoteOrderContact', orderId, { orderId, customerId, contact });
      break;
    }
    case 'streamshop.invoicing.InvoiceIssued': {
      const { document } = event.value;
      request(document.orderId, {
        kind: 'order_confirmed',
        amount: document.gross,
        document,
      });
      break;
    }
    case 'streamshop.invoicing.CreditNoteIssued': {
      const { document } = event.value;
      request(document.orderId, {
        kind: 'order_refunded',
        notificationId: refundNotificationId(document.number),
        amount: document.gross,
        reason: document.reason,
        document,
      });
      break;
    }
    case 'streamshop.orders.OrderPaymentFailed':
      request(event.value.aggregateId, { kind: 'payment_failed', reason: event.value.reason });
      break;
    case 'streamshop.orders.OrderCancelled':
      if (CANCELLATIONS_TOLD_BY_PAYMENT_FAILED.has(event.value.reason)) break;
      request(event.value.aggregateId, { kind: 'order_cancelled', reason: event.value.reason });
      break;
    case 'streamshop.orders.OrderShipped': {
      const { aggregateId: orderId, carrier, trackingNumber } = event.value;
      request(orderId, { kind: 'order_shipped', carrier, trackingNumber });
      break;
    }
    case 'streamshop.orders.OrderDelivered':
      request(event.value.aggregateId, { kind: 'order_delivered' });
      break;
    default:
      if (event.type.startsWith('streamshop.inventory.')) noteStockLevel(event as InventoryEvent, send);
      // Other order events (reservations, payment requests, confirmations, the invoice number) owe no message:
      // the shopper hears of a paid order once its invoice is issued.
      break;
  }
  return commands;
}

function noteStockLevel(event: InventoryEvent, send: ReturnType<typeof commandsCausedBy>['send']): void {
  const { aggregateId: sku, eventId, levels } = event.value;
  const threshold = event.type === 'streamshop.inventory.LowStockThresholdSet' ? event.value.threshold : null;
  send('streamshop.notifications.NoteStockLevel', stockMailboxId(sku), {
    sku,
    levels,
    threshold,
    causeEventId: eventId,
  });
}
