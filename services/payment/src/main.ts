/**
 * The payment service: the Payment decider run by the shared command processor over payments.*, the Stripe
 * adapter that creates a PaymentIntent for every payment requested, and the refund adapter that asks the provider
 * for every refund decided. Provider outcomes come back as RecordProviderEvent commands (from the gateway's
 * webhooks, and from the refund adapter when the provider answers that a refund is done). `tsx services/payment/src/main.ts` runs it alone;
 * `startPaymentService` runs it beside the others.
 */

import { allOf, isEntryPoint, runService, type ServiceOptions, serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, type Runnable } from '@streamshop/eventsourcing-kafka';
import { createRefundEffects } from './adapters/provider-refunds.ts';
import { createStripeEffects } from './adapters/stripe-payment-intents.ts';
import { paymentDecider } from './domain/index.ts';
import { createPaymentProviders } from './providers/index.ts';

export function startPaymentService(config: Config, options: ServiceOptions = {}): Runnable {
  const w = serviceWiring(config, 'payment-service', options);
  const topics = w.contextTopics('payments');
  const processor = createCommandProcessor({
    ...w.runtime,
    service: w.service,
    decider: paymentDecider,
    serde: w.serde,
    mapping: w.mapping(),
    topics,
  });
  const providers = createPaymentProviders(config, w.runtime.logger);
  const effects = { ...w.runtime, eventsTopic: topics.events, commandsTopic: topics.commands, serde: w.serde };
  const stripe = createStripeEffects({ ...effects, groupId: `${w.service}-stripe`, stripe: providers.stripe });
  const refunds = createRefundEffects({ ...effects, groupId: `${w.service}-refunds`, providers });
  return allOf([processor, stripe, refunds]);
}

if (isEntryPoint(import.meta.url)) await runService('payment-service', startPaymentService);
