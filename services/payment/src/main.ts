/**
 * The payment service: the Payment decider run by the shared command processor over payments.*, and the Stripe
 * adapter that creates a PaymentIntent for every payment requested. Provider outcomes come back as
 * RecordProviderEvent commands (from the gateway's webhooks). `tsx services/payment/src/main.ts` runs it alone;
 * `startPaymentService` runs it beside the others.
 */

import { allOf, isEntryPoint, runService, type ServiceOptions, serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, type Runnable } from '@streamshop/eventsourcing-kafka';
import { createStripeEffects } from './adapters/stripe-payment-intents.ts';
import { paymentDecider } from './domain/index.ts';
import { createStripeProvider } from './providers/index.ts';

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
  const stripe = createStripeEffects({
    ...w.runtime,
    groupId: `${w.service}-stripe`,
    eventsTopic: topics.events,
    commandsTopic: topics.commands,
    serde: w.serde,
    stripe: createStripeProvider(config.stripe, { logger: w.runtime.logger }),
  });
  return allOf([processor, stripe]);
}

if (isEntryPoint(import.meta.url)) await runService('payment-service', startPaymentService);
