/** The catalog's pure domain: the Product decider. */
export { type ProductDetails, type ProductEventDraft, type ProductState, productDecider } from './product.decider.ts';
export * from './product-csv.ts';
