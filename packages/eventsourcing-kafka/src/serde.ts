/**
 * How records become bytes. The runtime only needs these two calls; the real implementation is the Avro serde
 * over the Schema Registry (Confluent wire format) in `schemas/`, tests plug in a JSON one.
 */

/** A record as the runtime sees it: its fully-qualified record name (e.g. `streamshop.orders.PlaceOrder`) and value. */
export interface DecodedRecord {
  type: string;
  value: unknown;
}

export interface Serde {
  /** Encodes `value` as `recordFullName` for `topic` (the subject is derived from both, e.g. TopicRecordNameStrategy). */
  encode(topic: string, recordFullName: string, value: unknown): Promise<Buffer>;
  /** Decodes bytes produced by `encode` (throws on anything else: the runtime sends such records to the DLQ). */
  decode(buffer: Buffer): Promise<DecodedRecord>;
}
