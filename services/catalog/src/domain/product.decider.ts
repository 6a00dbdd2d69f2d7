/**
 * The Product aggregate (catalog): what can be sold, at which price. One product per aggregate id.
 *
 * Invariants: a price is a positive integer amount in an ISO 4217-shaped currency, and a product keeps the
 * currency it was created with (a price change is a change of amount; another currency is another offer, and
 * orders check every line against one currency). An archived product accepts no change: it may still be
 * referenced by past orders, so it is never deleted.
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type { CatalogCommand, CatalogEventName, EventDraft, Money } from '@streamshop/schemas/types';

export type ProductEventDraft = EventDraft<CatalogEventName>;

export interface ProductDetails {
  name: string;
  description: string;
  category: string;
  imageUrl: string | null;
}

export type ProductState =
  | { status: 'none' }
  | { status: 'active' | 'archived'; sku: string; price: Money; details: ProductDetails };

const CURRENCY = /^[A-Z]{3}$/;

/** Why a price is not acceptable, or null when it is. */
function priceProblem(price: Money): string | null {
  if (!CURRENCY.test(price.currency)) return `currency ${JSON.stringify(price.currency)} is not an ISO 4217 code`;
  if (!Number.isSafeInteger(price.amount) || price.amount <= 0) {
    return `amount must be a positive integer of minor units, got ${price.amount}`;
  }
  return null;
}

const sameDetails = (a: ProductDetails, b: ProductDetails): boolean =>
  a.name === b.name && a.description === b.description && a.category === b.category && a.imageUrl === b.imageUrl;

/** Why a product that is not active cannot be changed. */
const notChangeable = (state: ProductState, productId: string): Rejection =>
  state.status === 'none'
    ? reject('product_not_found', `product ${productId} does not exist`)
    : reject('product_archived', `product ${productId} is archived`);

function decide(command: CatalogCommand, state: ProductState): ProductEventDraft[] | Rejection {
  const id = command.value.aggregateId;
  switch (command.type) {
    case 'streamshop.catalog.CreateProduct': {
      const { sku, name, description, category, price, imageUrl } = command.value;
      if (state.status !== 'none') return reject('product_already_exists', `product ${id} already exists`);
      const problem = priceProblem(price);
      if (problem) return reject('invalid_price', problem);
      return [
        {
          type: 'streamshop.catalog.ProductCreated',
          value: { sku, name, description, category, price, imageUrl },
        },
      ];
    }
    case 'streamshop.catalog.UpdateProductDetails': {
      if (state.status !== 'active') return notChangeable(state, id);
      const { name, description, category, imageUrl } = command.value;
      const details = { name, description, category, imageUrl };
      if (sameDetails(details, state.details)) return [];
      return [{ type: 'streamshop.catalog.ProductDetailsUpdated', value: details }];
    }
    case 'streamshop.catalog.ChangeProductPrice': {
      if (state.status !== 'active') return notChangeable(state, id);
      const { price } = command.value;
      const problem = priceProblem(price);
      if (problem) return reject('invalid_price', problem);
      if (price.currency !== state.price.currency) {
        return reject('invalid_price', `product ${id} is priced in ${state.price.currency}, not ${price.currency}`);
      }
      if (price.amount === state.price.amount) return [];
      return [{ type: 'streamshop.catalog.ProductPriceChanged', value: { previousPrice: state.price, price } }];
    }
    case 'streamshop.catalog.ArchiveProduct': {
      if (state.status === 'none') return reject('product_not_found', `product ${id} does not exist`);
      if (state.status === 'archived') return [];
      return [{ type: 'streamshop.catalog.ProductArchived', value: { reason: command.value.reason } }];
    }
  }
}

function evolve(state: ProductState, event: ProductEventDraft): ProductState {
  switch (event.type) {
    case 'streamshop.catalog.ProductCreated': {
      const { sku, price, name, description, category, imageUrl } = event.value;
      return { status: 'active', sku, price, details: { name, description, category, imageUrl } };
    }
    case 'streamshop.catalog.ProductDetailsUpdated': {
      if (state.status === 'none') return state;
      const { name, description, category, imageUrl } = event.value;
      return { ...state, details: { name, description, category, imageUrl } };
    }
    case 'streamshop.catalog.ProductPriceChanged':
      return state.status === 'none' ? state : { ...state, price: event.value.price };
    case 'streamshop.catalog.ProductArchived':
      return state.status === 'none' ? state : { ...state, status: 'archived' };
  }
}

export const productDecider: Decider<CatalogCommand, ProductEventDraft, ProductState> = {
  initialState: { status: 'none' },
  evolve,
  decide,
};
