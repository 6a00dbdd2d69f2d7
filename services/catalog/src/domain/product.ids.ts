/**
 * The Product aggregate id of a SKU. One product per SKU by construction: a second CreateProduct for a SKU reaches
 * the same aggregate, whose decider answers `product_already_exists`, so neither the gateway nor a CSV import needs
 * a lookup (which a lagging read model could answer wrongly) to keep SKUs unique, and a retried create is harmless.
 * The parts are those the demo seed used first, kept so catalogs seeded before this function keep their ids.
 */
import { deterministicId } from '@streamshop/eventsourcing-kafka';

export const productIdFor = (sku: string): string => deterministicId('demo-catalog', 'product', sku);
