/**
 * The payment service's effect on Stripe: for every PaymentRequested with provider `stripe` (read_committed, so
 * only payments that really were decided), create the payment's PaymentIntent through the Stripe provider — the
 * same call the gateway's checkout makes, so both get the one intent (idempotency key = payment id, metadata
 * {paymentId, orderId} for the webhooks). PayPal orders are created at checkout only: they need the shopper's
 * return URL.
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
import { deterministicId, type Runnable, type Serde } from '@streamshop/eventsourcing-kafka';
import type { PaymentRequested, PaymentsEvent, RecordProviderEvent } from '@streamshop/schemas/types';
import { type ConsumerConfig, type Kafka, Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import { PaymentProviderError, type StripeProvider } from '../providers/index.ts';

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
  stripe: Pick<StripeProvider, 'startCheckout'>;
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
        const intent = await stripe.startCheckout({
          paymentId,
          orderId: requested.orderId,
          amount: requested.amount,
        });
        log.info(
          { paymentId, orderId: requested.orderId, paymentIntent: intent.paymentIntentId },
          'PaymentIntent created',
        );
        return;
      } catch (err) {
        if (err instanceof PaymentProviderError && err.permanent) {
          const reason = err.providerCode ?? err.code;
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
