/**
 * `@streamshop/schemas`: the Avro contract of the stream. Generated TS types for every command, event and reply,
 * the topic catalog (`topics.ts`), the Confluent-wire-format serde over the schema registry (`serde.ts`), the
 * schema loader the scripts share, and the order statuses the read side shows (`order-status.ts`).
 */
export * from './generated/types.ts';
export { ORDER_STATUSES, type OrderStatus } from './order-status.ts';
export { RegistryAdmin, RegistryError } from './registry-admin.ts';
export { AVRO_DIR, CONTEXTS, type Context, loadSchemaSet, readAvroDir, type SchemaSet } from './schema-set.ts';
export { AvroSerde, type AvroSerdeOptions, SerdeError, subjectName } from './serde.ts';
export * from './topics.ts';
