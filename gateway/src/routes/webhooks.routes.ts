/**
 * Provider webhooks. Each is verified over the raw bytes it was signed over (this plugin's content-type parser keeps
 * the body as a Buffer), kept in the webhook inbox (commerce.webhooks: raw body, the headers verification covers,
 * how it verified, the command it became), then turned into a command, and answered 2xx only once both are durably
 * on Kafka (acks=all): a webhook we acknowledge is never lost, and one we fail is retried by the provider.
 *
 * The inbox record is written before the command, not in one transaction with it: if the gateway dies in between,
 * no 2xx was sent, the provider redelivers, and the inbox holds the same provider event twice (same command id),
 * which `streamshop webhooks list` folds into one entry. Every command a webhook became therefore has its inbox
 * record, even when the provider stops redelivering. Events we ignore are kept too (command null), so a later
 * mapping fix can replay them.
 *
 * Deduplication: the command id is derived from the provider's event id, and the Payment decider ignores a provider
 * event id it has recorded, so a redelivered or replayed webhook changes nothing. A signature that does not verify →
 * 400 problem, nothing produced.
 *
 * Clerk (`/webhooks/clerk`, Svix-signed user events) goes the same way: a user.* event becomes RecordClerkUserEvent
 * to the user service (keyed by the Clerk user id, command id derived from the Svix message id), whose User decider
 * ignores a redelivery or a delivery older than the last one it recorded; the users projection folds its events.
 */
import { verifyWebhook as verifyClerkWebhook } from '@clerk/backend/webhooks';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PaymentProviderError } from '@streamshop/payment-service/providers';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { OutgoingCommand } from '../adapters/command-bus.ts';
import { isWebhookVerificationError, providerProblem } from '../adapters/payment-providers.ts';
import {
  inboxHeaders,
  type VerifiedEvent,
  type WebhookProvider,
  webhookCommand,
  webhookReceived,
} from '../adapters/webhook-inbox.ts';
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
   * The verified webhook in the inbox, then its command on Kafka (each acknowledged by all in-sync replicas). The
   * command's id is derived from the provider event id, so a redelivered webhook is the same command.
   */
  async function record(provider: WebhookProvider, request: FastifyRequest, body: Buffer, verified: VerifiedEvent) {
    const receivedAt = Date.now();
    const headers = inboxHeaders(provider, request.headers);
    let command: OutgoingCommand | null = null;
    try {
      command = webhookCommand(provider, verified.event, headers, receivedAt);
    } catch (err) {
      // Verified but not mappable (a payload our code does not expect): kept in the inbox with no command, so it can
      // be replayed once the mapping is fixed; the provider would only resend the same payload.
      request.log.error(
        { err, provider, providerEventId: verified.id, eventType: verified.type },
        'verified webhook not mapped to a command; kept in the inbox for `streamshop webhooks replay` after a fix',
      );
    }
    try {
      await commands.recordWebhook(webhookReceived(provider, { verified, body, headers, receivedAt }, command));
      if (command) await commands.send(command);
    } catch (err) {
      logger.error({ err, provider, providerEventId: verified.id }, 'provider event not recorded');
      throw new HttpProblem(503, 'commands_unavailable', 'the event could not be recorded; retry', {
        headers: { 'retry-after': '5' },
      });
    }
    return { received: true as const, recorded: command !== null };
  }

  const schema = (summary: string, statuses: number[] = [400, 503]) => ({
    tags: ['webhooks'],
    summary,
    response: { 200: Received, ...problems(...statuses) },
  });

  /**
   * One provider's webhook route: verify (a refusal → 400, nothing produced; the verifier unreachable → its 5xx, so
   * the provider retries), keep it in the inbox, record its command, then acknowledge.
   */
  function providerWebhook(
    provider: 'stripe' | 'paypal',
    summary: string,
    verify: (request: FastifyRequest, body: Buffer) => Promise<VerifiedEvent>,
  ) {
    app.post(
      `/webhooks/${provider}`,
      { config: { rateLimit: WEBHOOK_LIMIT }, schema: schema(summary) },
      async (request) => {
        const body = rawBodyOf(request);
        let verified: VerifiedEvent;
        try {
          verified = await verify(request, body);
        } catch (err) {
          if (err instanceof HttpProblem) throw err;
          if (err instanceof PaymentProviderError) {
            // The provider's text stays in the log; the client gets the stable code (providerProblem).
            request.log.warn({ err, provider }, 'webhook verification unavailable');
            throw providerProblem(err, provider);
          }
          if (!isWebhookVerificationError(err)) request.log.warn({ err, provider }, 'webhook verification failed');
          throw new HttpProblem(400, 'invalid_signature', `the ${provider} webhook signature does not verify`);
        }
        return record(provider, request, body, verified);
      },
    );
  }

  providerWebhook('stripe', 'Stripe events (Stripe-Signature over the raw body)', async (request, body) => {
    const event = paymentProviders.stripe.verifyWebhook(body, header(request, 'stripe-signature'));
    return { id: event.id, type: event.type, event };
  });

  providerWebhook('paypal', 'PayPal events (verified through PayPal)', async (request, body) => {
    const event = await paymentProviders.paypal.verifyWebhook(request.headers, body);
    return { id: event.id, type: event.event_type, event };
  });

  app.post(
    '/webhooks/clerk',
    {
      config: { rateLimit: WEBHOOK_LIMIT },
      schema: schema('Clerk user events (Svix signature) for the users read model', [400, 404, 503]),
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
      return record('clerk', request, body, { id: svixId, type: event.type, event });
    },
  );
};
