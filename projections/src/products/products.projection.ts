/**
 * The `products` read model: the catalog as shoppers browse it, with the stock available per product. One
 * document per SKU, folded from catalog.events (product created, details, price, archived, restored) and inventory.events
 * (stock levels). Stock may be received before the product exists, so the document is keyed by SKU and catalog
 * events after creation find it by `productId`.
 */
import { type ProjectedEvent, type ProjectionDefinition, ProjectionError } from '@streamshop/projection-runtime';
import { type Money, recordNames, type StockLevels } from '@streamshop/schemas/types';
import { type InventoryModelEvent, levelsOf } from '../inventory/inventory.projection.ts';

export interface ProductDocument {
  _id: string;
  sku: string;
  productId: string | null;
  name: string;
  description: string;
  category: string;
  price: Money | null;
  imageUrl: string | null;
  status: 'active' | 'archived' | null;
  stock: StockLevels;
  searchText: string;
  createdAt: number | null;
  updatedAt: number;
}

/** The catalog's events and the inventory's (every one of which reports the SKU's stock levels). */
const EVENTS = [...recordNames.catalog.events, ...recordNames.inventory.events] as const;
type ProductsModelEvent = ProjectedEvent<(typeof recordNames.catalog.events)[number]> | InventoryModelEvent;

/** What the catalog search matches: the SKU too, so an admin finds a product by the code they just created it with. */
const searchText = (sku: string, name: string, description: string) => `${sku} ${name} ${description}`.toLowerCase();

/**
 * A product's updatedAt is its newest event's time, whichever topic it came from. The model folds catalog.events and
 * inventory.events, whose interleaving a rebuild does not reproduce, so "the time of the event applied last" would
 * differ between a live fold and a rebuild.
 */
const latest = (current: { updatedAt: number } | null, at: number): number => Math.max(current?.updatedAt ?? at, at);

function empty(sku: string, at: number): ProductDocument {
  return {
    _id: sku,
    sku,
    productId: null,
    name: '',
    description: '',
    category: '',
    price: null,
    imageUrl: null,
    status: null,
    stock: { onHand: 0, reserved: 0, available: 0 },
    searchText: '',
    createdAt: null,
    updatedAt: at,
  };
}

export const productsProjection: ProjectionDefinition<ProductDocument, ProductsModelEvent> = {
  model: 'products',
  collection: 'products',
  topics: ['catalog.events', 'inventory.events'],
  events: EVENTS,
  indexes: [
    { key: { productId: 1 }, name: 'product_id' },
    { key: { category: 1, 'price.amount': 1 }, name: 'category_price' },
    { key: { status: 1, name: 1 }, name: 'status_name' },
    { key: { updatedAt: -1 }, name: 'updated' },
  ],
  target(event) {
    if (event.topic === 'inventory.events') return { id: event.meta.aggregateId };
    if (event.type === 'streamshop.catalog.ProductCreated') return { id: event.value.sku };
    return { field: 'productId', value: event.meta.aggregateId };
  },
  apply(current, event) {
    const at = Number(event.meta.occurredAt);
    switch (event.type) {
      case 'streamshop.catalog.ProductCreated': {
        const v = event.value;
        if (current?.productId && current.productId !== event.meta.aggregateId) {
          throw new ProjectionError(`ProductCreated: SKU ${v.sku} already belongs to product ${current.productId}`);
        }
        return {
          ...(current ?? empty(v.sku, at)),
          productId: event.meta.aggregateId,
          name: v.name,
          description: v.description,
          category: v.category,
          price: v.price,
          imageUrl: v.imageUrl,
          status: 'active',
          searchText: searchText(v.sku, v.name, v.description),
          createdAt: at,
          updatedAt: latest(current, at),
        };
      }
      case 'streamshop.catalog.ProductDetailsUpdated': {
        const v = event.value;
        const doc = current as ProductDocument;
        return {
          ...doc,
          name: v.name,
          description: v.description,
          category: v.category,
          imageUrl: v.imageUrl,
          searchText: searchText(doc.sku, v.name, v.description),
          updatedAt: latest(current, at),
        };
      }
      case 'streamshop.catalog.ProductPriceChanged': {
        const v = event.value;
        return { ...(current as ProductDocument), price: v.price, updatedAt: latest(current, at) };
      }
      case 'streamshop.catalog.ProductArchived':
        return { ...(current as ProductDocument), status: 'archived', updatedAt: latest(current, at) };
      // Back on sale with the details and price it had: those never left the document.
      case 'streamshop.catalog.ProductRestored':
        return { ...(current as ProductDocument), status: 'active', updatedAt: latest(current, at) };
      default:
        // What is left are the inventory's events (a catalog event without a case fails the typecheck here).
        return {
          ...(current ?? empty(event.meta.aggregateId, at)),
          stock: levelsOf(event),
          updatedAt: latest(current, at),
        };
    }
  },
  notice: (doc) => ({ id: doc.productId ?? doc._id }),
  cacheEntries: (doc) => [...(doc.productId ? [{ kind: 'id', id: doc.productId }] : []), { kind: 'sku', id: doc.sku }],
};
