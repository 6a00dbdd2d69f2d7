/** The invoicing service's public surface: its pure domain (the Kafka wiring is `main.ts`). */
export * from './domain/index.ts';
