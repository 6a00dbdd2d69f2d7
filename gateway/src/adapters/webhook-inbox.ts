/**
 * The webhook inbox: what a verified provider webhook is kept as (a WebhookReceived on commerce.webhooks), and the
 * one mapping from a provider's event to the command it becomes. The gateway's webhook routes and
 * `streamshop webhooks replay` both map through `webhookCommand`, so a replay re-maps an old body with today's code:
 * a fix to the mapping (or to the provider adapters' toCommand it calls) applies to what was received before it.
 *
 * Invariants:
 * - Only webhooks that verified when received are kept; a replay never verifies again (PayPal verifies online, and
 *   Stripe's and Svix's signatures carry a timestamp that is too old by then). The inbox is trusted because only
 *   the gateway writes it, after verification.
 * - The command id is derived from the provider's event id (by the provider adapters), so a redelivery, a repeated
 *   inbox record and a replay are all the same command; deciders record a provider event once.
 * - Headers are an allow-list of what verification and audit need: never Authorization, cookies or anything else a
 *   proxy might add.
 */
import { commandEnvelope, deterministicId } from '@streamshop/eventsourcing-kafka';
import {
  type PayPalWebhookEvent,
  paypalEventToCommand,
  stripeEventToCommand,
} from '@streamshop/payment-service/providers';
import type { RecordClerkUserEvent, WebhookProvider, WebhookReceived } from '@streamshop/schemas/types';
import type { OutgoingCommand } from './command-bus.ts';

export type { WebhookProvider, WebhookReceived };

/** The headers kept with a webhook: what its verification covers, and what helps an audit. */
export const INBOX_HEADERS: Readonly<Record<WebhookProvider, readonly string[]>> = {
  stripe: ['stripe-signature'],
  paypal: [
    'paypal-auth-algo',
    'paypal-cert-url',
    'paypal-transmission-id',
    'paypal-transmission-sig',
    'paypal-transmission-time',
  ],
  clerk: ['svix-id', 'svix-timestamp', 'svix-signature'],
};
const AUDIT_HEADERS = ['content-type', 'user-agent'];

/** How each provider's webhooks were verified, as the inbox records it. */
export const VERIFICATION: Readonly<Record<WebhookProvider, string>> = {
  stripe: 'Stripe-Signature v1: HMAC-SHA256 of the raw body with the endpoint signing secret, timestamp in tolerance',
  paypal: 'PayPal verify-webhook-signature answered SUCCESS for the raw body and transmission headers',
  clerk: 'Svix signature of the raw body with CLERK_WEBHOOK_SECRET, timestamp in tolerance',
};

/** The allow-listed headers of a request, lower-cased, as strings (a repeated header joined by ", "). */
export function inboxHeaders(
  provider: WebhookProvider,
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const wanted = new Set([...INBOX_HEADERS[provider], ...AUDIT_HEADERS]);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!wanted.has(lower) || value === undefined) continue;
    kept[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** A webhook's event as its provider parsed it after verification: its id, its type and the parsed body. */
export interface VerifiedEvent {
  id: string;
  type: string;
  event: unknown;
}

/**
 * The event in a raw webhook body, as the verifiers parse it (Stripe, PayPal and Svix all JSON-parse the verified
 * bytes). For Clerk the id is the Svix message id, which is a header, not part of the body.
 */
export function parseWebhookBody(provider: WebhookProvider, body: Buffer, headers: Record<string, string>) {
  const event = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const id = provider === 'clerk' ? headers['svix-id'] : event.id;
  const type = provider === 'paypal' ? event.event_type : event.type;
  return { id: String(id ?? ''), type: String(type ?? ''), event } satisfies VerifiedEvent;
}

/**
 * The command a verified provider event becomes, or null when it is not one we record. Pure: `now` is the command's
 * issuedAt; its id depends only on the provider's ids, never on `now`.
 */
export function webhookCommand(
  provider: WebhookProvider,
  event: unknown,
  headers: Record<string, string>,
  now: number,
): OutgoingCommand | null {
  switch (provider) {
    case 'stripe': {
      const value = stripeEventToCommand(event as Parameters<typeof stripeEventToCommand>[0], now);
      return value && { type: 'streamshop.payments.RecordProviderEvent', value };
    }
    case 'paypal': {
      const value = paypalEventToCommand(event as PayPalWebhookEvent, now);
      return value && { type: 'streamshop.payments.RecordProviderEvent', value };
    }
    case 'clerk': {
      const svixId = headers['svix-id'] ?? '';
      const value = clerkUserCommand(svixId, Number(headers['svix-timestamp']) * 1000, event as ClerkEvent, now);
      return value && { type: 'streamshop.users.RecordClerkUserEvent', value };
    }
  }
}

/** The inbox record of a verified webhook and the command it became (null: ignored, or not mappable). */
export function webhookReceived(
  provider: WebhookProvider,
  received: { verified: VerifiedEvent; body: Buffer; headers: Record<string, string>; receivedAt: number },
  command: OutgoingCommand | null,
): WebhookReceived {
  return {
    provider,
    providerEventId: received.verified.id,
    eventType: received.verified.type,
    receivedAt: received.receivedAt,
    headers: received.headers,
    body: received.body,
    verification: VERIFICATION[provider],
    command: command && {
      type: command.type,
      commandId: command.value.commandId,
      aggregateId: command.value.aggregateId,
    },
  };
}

/** The command a kept webhook becomes with today's mapping code; throws when its body is no longer readable. */
export function replayCommand(entry: WebhookReceived, now: number): OutgoingCommand | null {
  const { event } = parseWebhookBody(entry.provider, entry.body, entry.headers);
  return webhookCommand(entry.provider, event, entry.headers, now);
}

interface ClerkUserData {
  id?: string;
  first_name?: string | null;
  last_name?: string | null;
  image_url?: string | null;
  primary_email_address_id?: string | null;
  email_addresses?: { id: string; email_address: string }[];
  public_metadata?: { role?: unknown };
}
type ClerkEvent = { type: string; data: unknown };

/** The Clerk events the user service records. */
const CLERK_USER_EVENTS = new Set(['user.created', 'user.updated', 'user.deleted']);

/**
 * The RecordClerkUserEvent for a verified Clerk event, or null for one that is not about a user. Pure: the command
 * id is derived from the Svix message id, so a redelivery is the same command.
 */
export function clerkUserCommand(
  svixId: string,
  sentAt: number,
  event: ClerkEvent,
  now: number,
): RecordClerkUserEvent | null {
  if (!CLERK_USER_EVENTS.has(event.type)) return null;
  const data = event.data as ClerkUserData;
  if (!data.id) return null;
  const email =
    data.email_addresses?.find((e) => e.id === data.primary_email_address_id)?.email_address ??
    data.email_addresses?.[0]?.email_address ??
    null;
  return {
    ...commandEnvelope({
      commandId: deterministicId('clerk-webhook', svixId),
      aggregateId: data.id,
      issuedAt: now,
      correlationId: svixId,
    }),
    eventType: event.type,
    svixId,
    sentAt,
    name: [data.first_name, data.last_name].filter(Boolean).join(' ') || null,
    email,
    imageUrl: data.image_url ?? null,
    role: data.public_metadata?.role === 'admin' ? 'admin' : 'shopper',
  };
}
