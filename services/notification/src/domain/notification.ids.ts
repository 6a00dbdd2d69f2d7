/**
 * Ids the notification context derives instead of drawing: the commands its reactor sends (UUID v5 of the causing
 * event's id, so re-running the reactor after a crash or in a replay sends byte-identical commands), the stable
 * id of each owed message (what an operator names in `streamshop notifications retry <id>`), and the SMTP
 * Message-ID every attempt of that message carries, so a receiver can drop the copy a crash may re-send.
 * Changing the namespace changes every derived command id, so never do.
 */
import type { NotificationKind } from '@streamshop/schemas/types';
import { v5 as uuidv5 } from 'uuid';

const REACTOR_COMMAND_ID_NAMESPACE = '5b0e7d3c-2f61-4a8e-b9c4-8e1f27a6d053';

/** The id of the `index`-th command the reactor sends because of the event `eventId`. */
export const reactorCommandId = (eventId: string, index: number): string =>
  uuidv5(`${eventId}/${index}`, REACTOR_COMMAND_ID_NAMESPACE);

/** The mailbox aggregate of an order's messages is the order itself; a SKU's alerts live in `stock:<sku>`. */
export const stockMailboxId = (sku: string): string => `stock:${sku}`;

/** `<kind>:<order id>`: one message of each kind per order (a refund's is per credit note, below). */
export const orderNotificationId = (kind: NotificationKind, orderId: string): string => `${kind}:${orderId}`;

/** A refund's message is per credit note: an order may be refunded several times, each with its own note. */
export const refundNotificationId = (creditNoteNumber: string): string => `order_refunded:${creditNoteNumber}`;

/** The `dip`-th low-stock alert of a SKU (1 for its first dip below the threshold). */
export const lowStockNotificationId = (sku: string, dip: number): string => `low_stock:${sku}:${dip}`;

/**
 * The Message-ID (without angle brackets) of every attempt of a message: its id as an RFC 5322 dot-atom (runs of
 * anything but letters, digits, `_` and `-` become one dot, none at the ends) at the shop's host. Order ids and
 * SKUs are made of those characters, so distinct messages keep distinct ids.
 */
export function messageIdFor(notificationId: string, host: string): string {
  const local = notificationId.replace(/[^A-Za-z0-9_-]+/g, '.').replace(/^\.+|\.+$/g, '');
  return `${local || 'notification'}@${host}`;
}
