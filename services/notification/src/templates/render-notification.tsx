/** @jsxRuntime automatic @jsxImportSource react */
// The pragma in each .tsx here: `tsx` run from the repository root does not read this workspace's tsconfig `jsx`.
/**
 * A recorded NotificationRequested → the e-mail to send: subject, HTML and plain text. Both bodies come from one
 * React Email component per kind (`render` and `render(…, { plainText: true })`), so they never disagree; the
 * subject lines are here, beside the choice of component. Pure apart from React's rendering: the same record and
 * shop give the same e-mail, so a message re-sent after a crash is the same message.
 */
import { render } from '@react-email/render';
import type { NotificationKind, NotificationRequested } from '@streamshop/schemas/types';
import type { ReactElement } from 'react';
import { LowStockEmail } from './low-stock.email.tsx';
import type { MessageProps, ShopIdentity } from './message.props.ts';
import { messageFormat, messageLocale } from './notification.format.ts';
import {
  OrderCancelledEmail,
  OrderConfirmedEmail,
  OrderDeliveredEmail,
  OrderRefundedEmail,
  OrderShippedEmail,
  PaymentFailedEmail,
} from './order.emails.tsx';

export interface RenderedNotification {
  subject: string;
  html: string;
  text: string;
}

interface MessageTemplate {
  subject(p: MessageProps): string;
  Component(p: MessageProps): ReactElement;
}

const TEMPLATES: Record<NotificationKind, MessageTemplate> = {
  order_confirmed: {
    subject: ({ notification: n }) =>
      `Order ${n.orderId} confirmed${n.document ? ` — invoice ${n.document.number}` : ''}`,
    Component: OrderConfirmedEmail,
  },
  payment_failed: {
    subject: ({ notification: n }) => `Payment failed for order ${n.orderId}`,
    Component: PaymentFailedEmail,
  },
  order_cancelled: {
    subject: ({ notification: n }) => `Order ${n.orderId} cancelled`,
    Component: OrderCancelledEmail,
  },
  order_shipped: {
    subject: ({ notification: n }) => `Order ${n.orderId} has shipped`,
    Component: OrderShippedEmail,
  },
  order_delivered: {
    subject: ({ notification: n }) => `Order ${n.orderId} delivered`,
    Component: OrderDeliveredEmail,
  },
  order_refunded: {
    subject: ({ notification: n, format }) => {
      const refunded = n.amount ?? n.document?.gross;
      return `Refund${refunded ? ` of ${format.money(refunded)}` : ''} for order ${n.orderId}${n.document ? ` — credit note ${n.document.number}` : ''}`;
    },
    Component: OrderRefundedEmail,
  },
  low_stock: {
    subject: ({ notification: n }) => `Low stock: ${n.sku} (${n.levels?.available ?? 0} available)`,
    Component: LowStockEmail,
  },
};

/** Where a message points: the shopper's order page, or the admin's stock item for an alert. */
function linkFor(n: NotificationRequested, shop: ShopIdentity): string {
  if (n.kind === 'low_stock') return `${shop.publicUrl}/admin/stock/${encodeURIComponent(n.sku ?? '')}`;
  return `${shop.publicUrl}/orders/${encodeURIComponent(n.orderId ?? '')}`;
}

export async function renderNotification(
  requested: NotificationRequested,
  shop: ShopIdentity,
): Promise<RenderedNotification> {
  const template = TEMPLATES[requested.kind];
  const props: MessageProps = {
    notification: requested,
    shop,
    format: messageFormat(messageLocale(requested.locale, shop.locale)),
    link: linkFor(requested, shop),
  };
  const element = <template.Component {...props} />;
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: `${shop.name}: ${template.subject(props)}`, html, text };
}
