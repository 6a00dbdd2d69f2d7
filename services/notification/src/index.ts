/** The notification service's public surface: its pure domain and the e-mail templates (Kafka wiring: `main.ts`). */
export * from './domain/index.ts';
export { type RenderedNotification, renderNotification, type ShopIdentity } from './templates/index.ts';
