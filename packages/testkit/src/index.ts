export { eventually } from './eventually.ts';
export {
  createMailbox,
  type Mailbox,
  type MailMessage,
  type MailSearch,
  type MailSummary,
  mailpitUrl,
  mailSearchQuery,
} from './mailpit.ts';
export { createNamespace, type Namespace } from './namespace.ts';
export { pdfFirstPagePng, pdfText } from './pdf.ts';
export { type PrivateMailpit, type PrivateMailpitOptions, startPrivateMailpit } from './private-mailpit.ts';
export { type SucceededIntent, stripeSucceededWebhook } from './stripe-webhook.ts';
export { fastConsumer, testLogger } from './test-clients.ts';
export { testConfig } from './test-config.ts';
