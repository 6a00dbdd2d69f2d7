/** The catalog service's public surface: its pure domain (the Kafka wiring arrives with `main.ts`). */
export * from './domain/index.ts';
export { productIdFor } from './domain/product.ids.ts';
