/** What every message component is given: the owed message as recorded, the shop, formatting, and its link. */
import type { NotificationRequested } from '@streamshop/schemas/types';
import type { MessageFormat } from './notification.format.ts';

export interface ShopIdentity {
  name: string;
  /** Public address of the storefront, without a trailing slash (links in messages). */
  publicUrl: string;
  /** Default locale, for readers whose locale is unknown. */
  locale: string;
}

export interface MessageProps {
  notification: NotificationRequested;
  shop: ShopIdentity;
  format: MessageFormat;
  /** The page the message is about: the order for a shopper, the stock item for an admin. */
  link: string;
}
