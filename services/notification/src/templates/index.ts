/** The e-mail templates: a recorded NotificationRequested → subject, HTML and plain text. */
export type { ShopIdentity } from './message.props.ts';
export { type RenderedNotification, renderNotification } from './render-notification.tsx';
