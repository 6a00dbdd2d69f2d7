/**
 * The invoicing service: the yearly invoice ledger run by the shared command processor over invoicing.* (Avro
 * records). The order saga sends IssueInvoice (on OrderPaid) and IssueCreditNote (on OrderRefunded); the numbers
 * are gapless because invoicing.commands has one partition, so one transactional writer (fenced on takeover)
 * decides every number of a year. `tsx services/invoicing/src/main.ts` runs it alone; `startInvoicingService` runs it
 * beside the others.
 */

import { isEntryPoint, runService, type ServiceOptions, serviceWiring } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import { createCommandProcessor, type Runnable } from '@streamshop/eventsourcing-kafka';
import type { InvoicingCommand } from '@streamshop/schemas/types';
import { createInvoiceLedgerDecider, type InvoiceLedgerEventDraft, invoiceLedgerStateCodec } from './domain/index.ts';
import { sellerParty } from './seller-party.ts';

export function startInvoicingService(config: Config, options: ServiceOptions = {}): Runnable {
  const w = serviceWiring(config, 'invoicing-service', options);
  const { vatRateBasisPoints, vatRatesByCategory } = config.invoicing;
  return createCommandProcessor({
    ...w.runtime,
    service: w.service,
    decider: createInvoiceLedgerDecider({
      seller: sellerParty(config.invoicing.seller),
      vatRates: { defaultBasisPoints: vatRateBasisPoints, byCategory: vatRatesByCategory },
    }),
    stateCodec: invoiceLedgerStateCodec,
    // No snapshots: the year's one aggregate remembers every order of the year, so its snapshot would grow past
    // Kafka's 1 MB record limit (about 20,000 orders) and then fail the transaction it rides in. A takeover replays
    // invoicing.events instead (one partition holding only the issued documents).
    snapshotEvery: Number.POSITIVE_INFINITY,
    serde: w.serde,
    mapping: w.mapping<InvoicingCommand, InvoiceLedgerEventDraft>(),
    topics: w.contextTopics('invoicing'),
  });
}

if (isEntryPoint(import.meta.url)) await runService('invoicing-service', startInvoicingService);
