/**
 * The payment service's effect on Stripe: for every PaymentRequested with provider `stripe` (read_committed, so
 * only payments that really were decided), create a PaymentIntent for the event's amount and currency, with the
 * payment id as the idempotency key and in the metadata (the webhook side maps the intent back to the payment).
 *
 * Delivery is at least once (offsets are committed after the call), which the idempotency key makes safe: a
 * repeat returns the same PaymentIntent instead of creating a second one. Transient failures (network, 429, 5xx)
 * are retried with back-off, holding the partition; a request Stripe refuses for good (other 4xx) is recorded as
 * a failed payment through RecordProviderEvent, so the order is cancelled at once instead of at its deadline.
 *
 * The intent's id is not recorded on the payment: the payments context has no command for it yet (see
 * RecordProviderEvent, which needs a provider event); the capture webhook will carry it as providerReference.
 */

import type { ScheduledCommand } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { deterministicId, type Runnable, type Serde } from '@streamshop/eventsourcing-kafka';
import type { PaymentRequested, PaymentsEvent, RecordProviderEvent } from '@streamshop/schemas/types';
import { type ConsumerConfig, type Kafka, Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import Stripe from 'stripe';

export function stripeClient({ apiBase, secretKey }: Config['stripe']): Stripe {
  const base = new URL(apiBase);
  return new Stripe(secretKey, {
    host: base.hostname,
    ...(base.port ? { port: Number(base.port) } : {}),
    protocol: base.protocol === 'http:' ? 'http' : 'https',
    maxNetworkRetries: 2,
  });
}

/** True when Stripe refused the request for good: retrying the same request would get the same answer. */
function isPermanent(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

/** The command recording that Stripe refused to create the PaymentIntent (one per payment: a repeat is a no-op). */
export function paymentRequestFailed(
  requested: PaymentRequested,
  reason: string,
  now: number,
  commandsTopic: string,
): ScheduledCommand {
  const paymentId = requested.aggregateId;
  const value: RecordProviderEvent = {
    commandId: deterministicId('payment-intent-refused', paymentId),
    aggregateId: paymentId,
    idempotencyKey: null,
    issuedAt: now,
    correlationId: requested.correlationId,
    causationId: requested.eventId,
    providerEventId: `request_failed:${paymentId}`,
    kind: 'failed',
    providerReference: '',
    amount: null,
    failureReason: reason,
  };
  return { topic: commandsTopic, key: paymentId, type: 'streamshop.payments.RecordProviderEvent', value };
}

export interface StripeEffectsOptions {
  kafka: Kafka;
  groupId: string;
  eventsTopic: string;
  commandsTopic: string;
  serde: Serde;
  stripe: Stripe;
  logger: Logger;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId' | 'readUncommitted'>>;
  /** First back-off after a transient failure (doubles up to 30 s). */
  retryMs?: number;
}

export function createStripeEffects(options: StripeEffectsOptions): Runnable {
  const { kafka, serde, stripe } = options;
  const log = options.logger.child({ adapter: 'stripe-payment-intents' });
  const consumer = kafka.consumer({
    allowAutoTopicCreation: false,
    ...options.consumer,
    groupId: options.groupId,
    readUncommitted: false,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let stopping = false;

  async function createIntent(requested: PaymentRequested, heartbeat: () => Promise<void>) {
    const paymentId = requested.aggregateId;
    for (let delay = options.retryMs ?? 500; ; delay = Math.min(delay * 2, 30_000)) {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: requested.amount.amount,
            currency: requested.amount.currency.toLowerCase(),
            metadata: { paymentId, orderId: requested.orderId },
          },
          { idempotencyKey: paymentId },
        );
        log.info({ paymentId, orderId: requested.orderId, paymentIntent: intent.id }, 'PaymentIntent created');
        return;
      } catch (err) {
        if (isPermanent(err)) {
          const reason = (err as { code?: string }).code ?? 'provider_request_refused';
          log.error({ paymentId, err }, 'Stripe refused the PaymentIntent; recording the payment as failed');
          const c = paymentRequestFailed(requested, reason, Date.now(), options.commandsTopic);
          await producer.send({
            topic: c.topic,
            messages: [{ key: c.key, value: await serde.encode(c.topic, c.type, c.value) }],
          });
          return;
        }
        if (stopping) throw new Error(`stopping with the PaymentIntent of ${paymentId} not created`, { cause: err });
        log.warn({ paymentId, err, retryInMs: delay }, 'PaymentIntent not created yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
        await heartbeat();
      }
    }
  }

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: options.eventsTopic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message, heartbeat }) => {
          if (message.value === null) return;
          const event = (await serde.decode(message.value)) as PaymentsEvent;
          if (event.type !== 'streamshop.payments.PaymentRequested') return;
          if (event.value.provider !== 'stripe') return; // PayPal has its own adapter
          await createIntent(event.value, heartbeat);
        },
      });
    },
    async stop() {
      stopping = true;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
