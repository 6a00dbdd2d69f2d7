/**
 * The Product aggregate (catalog): what can be sold, at which price. One product per aggregate id.
 *
 * Invariants: a price is a positive integer amount in an ISO 4217-shaped currency, and a product keeps the
 * currency it was created with (a price change is a change of amount; another currency is another offer, and
 * orders check every line against one currency). An archived product accepts no change until it is restored: it
 * may still be referenced by past orders, so it is never deleted. A command that would change nothing (the same
 * details, the same price, a create repeating the product as it is) decides no events, so the event log records
 * only real changes and a CSV re-import is a no-op.
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type { CatalogCommand, CatalogEventName, EventDraft, Money, RecordTypes } from '@streamshop/schemas/types';

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

const samePrice = (a: Money, b: Money): boolean => a.amount === b.amount && a.currency === b.currency;

const sameDetails = (a: ProductDetails, b: ProductDetails): boolean =>
  a.name === b.name && a.description === b.description && a.category === b.category && a.imageUrl === b.imageUrl;

/** Why a product that is not active cannot be changed. */
const notChangeable = (state: ProductState, productId: string): Rejection =>
  state.status === 'none'
    ? reject('product_not_found', `product ${productId} does not exist`)
    : reject('product_archived', `product ${productId} is archived`);

type Command<N extends CatalogCommand['type']> = RecordTypes[N];
type Decision = ProductEventDraft[] | Rejection;

/**
 * Creating a product that exists with the very same data is a no-op, so a CSV import can be re-run: only rows
 * that differ are refused (and they then say which product is in the way).
 */
function createProduct(command: Command<'streamshop.catalog.CreateProduct'>, state: ProductState): Decision {
  const { aggregateId: id, sku, name, description, category, price, imageUrl } = command;
  const details = { name, description, category, imageUrl };
  if (state.status !== 'none') {
    const same = state.sku === sku && samePrice(state.price, price) && sameDetails(state.details, details);
    return same ? [] : reject('product_already_exists', `product ${id} already exists with other data`);
  }
  const problem = priceProblem(price);
  if (problem) return reject('invalid_price', problem);
  return [{ type: 'streamshop.catalog.ProductCreated', value: { sku, ...details, price } }];
}

function updateDetails(command: Command<'streamshop.catalog.UpdateProductDetails'>, state: ProductState): Decision {
  if (state.status !== 'active') return notChangeable(state, command.aggregateId);
  const { name, description, category, imageUrl } = command;
  const details = { name, description, category, imageUrl };
  if (sameDetails(details, state.details)) return [];
  return [{ type: 'streamshop.catalog.ProductDetailsUpdated', value: details }];
}

function changePrice(command: Command<'streamshop.catalog.ChangeProductPrice'>, state: ProductState): Decision {
  const { aggregateId: id, price } = command;
  if (state.status !== 'active') return notChangeable(state, id);
  const problem = priceProblem(price);
  if (problem) return reject('invalid_price', problem);
  if (price.currency !== state.price.currency) {
    return reject('invalid_price', `product ${id} is priced in ${state.price.currency}, not ${price.currency}`);
  }
  if (price.amount === state.price.amount) return [];
  return [{ type: 'streamshop.catalog.ProductPriceChanged', value: { previousPrice: state.price, price } }];
}

function archive(command: Command<'streamshop.catalog.ArchiveProduct'>, state: ProductState): Decision {
  const id = command.aggregateId;
  if (state.status === 'none') return reject('product_not_found', `product ${id} does not exist`);
  if (state.status === 'archived') return reject('product_already_archived', `product ${id} is archived already`);
  return [{ type: 'streamshop.catalog.ProductArchived', value: { reason: command.reason } }];
}

function restore(command: Command<'streamshop.catalog.RestoreProduct'>, state: ProductState): Decision {
  const id = command.aggregateId;
  if (state.status === 'none') return reject('product_not_found', `product ${id} does not exist`);
  if (state.status === 'active') return reject('product_not_archived', `product ${id} is on sale, not archived`);
  return [{ type: 'streamshop.catalog.ProductRestored', value: { reason: command.reason } }];
}

function decide(command: CatalogCommand, state: ProductState): Decision {
  switch (command.type) {
    case 'streamshop.catalog.CreateProduct':
      return createProduct(command.value, state);
    case 'streamshop.catalog.UpdateProductDetails':
      return updateDetails(command.value, state);
    case 'streamshop.catalog.ChangeProductPrice':
      return changePrice(command.value, state);
    case 'streamshop.catalog.ArchiveProduct':
      return archive(command.value, state);
    case 'streamshop.catalog.RestoreProduct':
      return restore(command.value, state);
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
    case 'streamshop.catalog.ProductRestored':
      return state.status === 'none' ? state : { ...state, status: 'active' };
  }
}

export const productDecider: Decider<CatalogCommand, ProductEventDraft, ProductState> = {
  initialState: { status: 'none' },
  evolve,
  decide,
};
