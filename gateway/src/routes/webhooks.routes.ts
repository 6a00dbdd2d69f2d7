/**
 * Provider webhooks. Each is verified over the raw bytes it was signed over (this plugin's content-type parser keeps
 * the body as a Buffer), then turned into a command and answered 2xx only once that command is durably on Kafka
 * (acks=all): a webhook we acknowledge is never lost, and one we fail is retried by the provider.
 *
 * Deduplication: the command id is derived from the provider's event id, and the Payment decider ignores a provider
 * event id it has recorded, so a replayed webhook changes nothing. A signature that does not verify → 400 problem,
 * nothing produced.
 *
 * Clerk (`/webhooks/clerk`, Svix-signed user events) goes the same way: a user.* event becomes RecordClerkUserEvent
 * to the user service (keyed by the Clerk user id, command id derived from the Svix message id), whose User decider
 * ignores a redelivery or a delivery older than the last one it recorded; the users projection folds its events.
 */
import { verifyWebhook as verifyClerkWebhook } from '@clerk/backend/webhooks';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import { PaymentProviderError } from '@streamshop/payment-service/providers';
import type { RecordClerkUserEvent, RecordProviderEvent } from '@streamshop/schemas/types';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { isWebhookVerificationError, providerProblem } from '../adapters/payment-providers.ts';
import type { GatewayContext } from '../app.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { problems } from '../schemas/common.ts';

const Received = Type.Object({ received: Type.Literal(true), recorded: Type.Boolean() });
const WEBHOOK_LIMIT = { max: 600, timeWindow: 60_000 };

function rawBodyOf(request: FastifyRequest): Buffer {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpProblem(400, 'empty_body', 'the webhook has no body');
  return body;
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string' || value === '') {
    throw new HttpProblem(400, 'invalid_signature', `missing ${name} header`);
  }
  return value;
}

export const webhooksRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { paymentProviders, commands, logger } = ctx;
  // Signatures cover the exact bytes: keep every body of this plugin's routes as a Buffer, whatever its type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  /**
   * The command on Kafka (acknowledged by all in-sync replicas). Its id is the provider's derivation from the
   * provider event id, so a replayed webhook is the same command.
   */
  async function record(provider: 'stripe' | 'paypal', value: RecordProviderEvent) {
    try {
      await commands.send({ type: 'streamshop.payments.RecordProviderEvent', value });
    } catch (err) {
      logger.error({ err, provider, providerEventId: value.providerEventId }, 'provider event not recorded');
      throw new HttpProblem(503, 'commands_unavailable', 'the event could not be recorded; retry', {
        headers: { 'retry-after': '5' },
      });
    }
  }

  const schema = (summary: string) => ({
    tags: ['webhooks'],
    summary,
    response: { 200: Received, ...problems(400, 503) },
  });

  /**
   * One provider's webhook route: verify (a refusal → 400, nothing produced; the verifier unreachable → its 5xx, so
   * the provider retries), map to the command, record it, then acknowledge.
   */
  function providerWebhook(
    provider: 'stripe' | 'paypal',
    summary: string,
    verifyAndMap: (request: FastifyRequest, body: Buffer) => Promise<RecordProviderEvent | null>,
  ) {
    app.post(
      `/webhooks/${provider}`,
      { config: { rateLimit: WEBHOOK_LIMIT }, schema: schema(summary) },
      async (request) => {
        const body = rawBodyOf(request);
        let value: RecordProviderEvent | null;
        try {
          value = await verifyAndMap(request, body);
        } catch (err) {
          if (err instanceof HttpProblem) throw err;
          if (err instanceof PaymentProviderError) throw providerProblem(err, provider);
          if (!isWebhookVerificationError(err)) request.log.warn({ err, provider }, 'webhook verification failed');
          throw new HttpProblem(400, 'invalid_signature', `the ${provider} webhook signature does not verify`);
        }
        if (value) await record(provider, value);
        return { received: true as const, recorded: value !== null };
      },
    );
  }

  providerWebhook('stripe', 'Stripe events (Stripe-Signature over the raw body)', async (request, body) => {
    const event = paymentProviders.stripe.verifyWebhook(body, header(request, 'stripe-signature'));
    return paymentProviders.stripe.toCommand(event, Date.now());
  });

  providerWebhook('paypal', 'PayPal events (verified through PayPal)', async (request, body) => {
    const event = await paymentProviders.paypal.verifyWebhook(request.headers, body);
    return paymentProviders.paypal.toCommand(event, Date.now());
  });

  app.post(
    '/webhooks/clerk',
    {
      config: { rateLimit: WEBHOOK_LIMIT },
      schema: schema('Clerk user events (Svix signature) for the users read model'),
    },
    async (request) => {
      const secret = ctx.config.clerk.webhookSecret;
      if (!secret)
        throw new HttpProblem(404, 'route_not_found', 'Clerk webhooks are not configured (CLERK_WEBHOOK_SECRET)');
      const body = rawBodyOf(request);
      const svixId = header(request, 'svix-id');
      const headers = new Headers();
      for (const name of ['svix-id', 'svix-timestamp', 'svix-signature', 'content-type']) {
        const v = request.headers[name];
        if (typeof v === 'string') headers.set(name, v);
      }
      let event: Awaited<ReturnType<typeof verifyClerkWebhook>>;
      try {
        event = await verifyClerkWebhook(
          new Request('http://gateway/webhooks/clerk', { method: 'POST', headers, body }),
          { signingSecret: secret },
        );
      } catch {
        throw new HttpProblem(400, 'invalid_signature', 'the Svix signature does not verify');
      }
      const command = clerkUserCommand(svixId, Number(headers.get('svix-timestamp')) * 1000, event, Date.now());
      if (command) {
        try {
          await commands.send({ type: 'streamshop.users.RecordClerkUserEvent', value: command });
        } catch (err) {
          logger.error({ err, svixId }, 'Clerk user event not recorded');
          throw new HttpProblem(503, 'commands_unavailable', 'the event could not be recorded; retry', {
            headers: { 'retry-after': '5' },
          });
        }
      }
      const recorded = command !== null;
      return { received: true as const, recorded };
    },
  );
};

interface ClerkUserData {
  id?: string;
  first_name?: string | null;
  last_name?: string | null;
  image_url?: string | null;
  primary_email_address_id?: string | null;
  email_addresses?: { id: string; email_address: string }[];
  public_metadata?: { role?: unknown };
}

/** The Clerk events the user service records. */
const CLERK_USER_EVENTS = new Set(['user.created', 'user.updated', 'user.deleted']);

/**
 * The RecordClerkUserEvent for a verified Clerk event, or null for one that is not about a user. Pure: the command
 * id is derived from the Svix message id, so a redelivery is the same command.
 */
export function clerkUserCommand(
  svixId: string,
  sentAt: number,
  event: { type: string; data: unknown },
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
    commandId: deterministicId('clerk-webhook', svixId),
    aggregateId: data.id,
    idempotencyKey: null,
    issuedAt: now,
    correlationId: svixId,
    causationId: null,
    eventType: event.type,
    svixId,
    sentAt,
    name: [data.first_name, data.last_name].filter(Boolean).join(' ') || null,
    email,
    imageUrl: data.image_url ?? null,
    role: data.public_metadata?.role === 'admin' ? 'admin' : 'shopper',
  };
}
