/** The order service's public surface: its pure domain (the Kafka wiring arrives with `main.ts`). */
export * from './domain/index.ts';
