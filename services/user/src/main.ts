/**
 * The user service: the User decider run by the shared command processor over users.* (Avro records). The gateway's
 * Clerk webhook sends RecordClerkUserEvent; the users projection folds the events. `tsx services/user/src/main.ts`
 * runs it alone; `startUserService` runs it beside the others.
 */

import { isEntryPoint, runService, type ServiceOptions, serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, type Runnable } from '@streamshop/eventsourcing-kafka';
import { userDecider } from './domain/index.ts';

export function startUserService(config: Config, options: ServiceOptions = {}): Runnable {
  const w = serviceWiring(config, 'user-service', options);
  return createCommandProcessor({
    ...w.runtime,
    service: w.service,
    decider: userDecider,
    serde: w.serde,
    mapping: w.mapping(),
    topics: w.contextTopics('users'),
  });
}

if (isEntryPoint(import.meta.url)) await runService('user-service', startUserService);
