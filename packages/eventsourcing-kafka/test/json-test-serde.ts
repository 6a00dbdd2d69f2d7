/**
 * TEST SERDE — for this package's integration tests only. It plays the part the Avro/Schema Registry serde plays
 * in services (same `Serde` interface): `{ "type": <record name>, "value": … }` as JSON behind a one-byte marker,
 * and it rejects anything else, so the DLQ path is exercised with real undecodable bytes.
 */
import type { DecodedRecord, Serde } from '../src/serde.ts';

const MARKER = 0x7b; // '{' — the whole record is a JSON object

export const jsonTestSerde: Serde & { encodeSync(type: string, value: unknown): Buffer } = {
  encodeSync(type, value) {
    return Buffer.from(JSON.stringify({ type, value }));
  },
  async encode(_topic, type, value) {
    return this.encodeSync(type, value);
  },
  async decode(buffer): Promise<DecodedRecord> {
    if (buffer[0] !== MARKER) throw new Error(`not a JSON test record (first byte 0x${buffer[0]?.toString(16)})`);
    const parsed = JSON.parse(buffer.toString('utf8')) as { type?: unknown; value?: unknown };
    if (typeof parsed.type !== 'string') throw new Error('JSON test record without a type');
    return { type: parsed.type, value: parsed.value };
  },
};
