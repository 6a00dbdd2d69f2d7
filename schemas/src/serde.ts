/**
 * Avro serde in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), over
 * `@kafkajs/confluent-schema-registry`. One topic carries several record types, so subjects follow the
 * topic-record naming strategy, `<topic>-<record full name>` (topic with its prefix), and `decode` says which
 * record it found so the runtime can dispatch on `type`.
 *
 * Registration happens on first use of a (topic, record) pair: the subject is set to BACKWARD first (so the
 * registry refuses a version that new readers could not read old data with), then the schema is registered;
 * the id is cached for the life of the serde. Decoding reads with our current schema as the reader, so records
 * written with an older version come out in today's shape (new fields with their defaults).
 */
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import type { RecordName, RecordTypes, TypedRecord } from './generated/types.ts';
import { RegistryAdmin } from './registry-admin.ts';
import { loadSchemaSet, type SchemaSet } from './schema-set.ts';
import { type RecordsOn, type TopicName, topicName, topicSpec } from './topics.ts';

export interface AvroSerdeOptions {
  /** Confluent-compatible registry base URL (`config.registry.url`). */
  registryUrl: string;
  /** Topic prefix (tests); subjects use the prefixed topic name. */
  prefix?: string;
  /** The schemas to write with and read into; default: the committed `.avsc` files. */
  schemas?: SchemaSet;
}

/** Raised when bytes cannot be decoded: not our wire format, or a record type this build does not know. */
export class SerdeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerdeError';
  }
}

/** `<topic>-<record full name>`, the topic-record naming strategy. */
export function subjectName(topic: TopicName, recordName: RecordName, prefix = ''): string {
  return `${topicName(topic, prefix)}-${recordName}`;
}

export class AvroSerde {
  readonly registry: SchemaRegistry;
  readonly admin: RegistryAdmin;
  readonly prefix: string;
  private readonly schemas: SchemaSet;
  private readonly ids = new Map<string, Promise<number>>();
  private readonly resolvers = new Map<
    number,
    Promise<{ name: RecordName; reader: avro.Type; resolver: avro.Resolver }>
  >();

  constructor({ registryUrl, prefix = '', schemas = loadSchemaSet() }: AvroSerdeOptions) {
    this.registry = new SchemaRegistry({ host: registryUrl });
    this.admin = new RegistryAdmin(registryUrl);
    this.prefix = prefix;
    this.schemas = schemas;
  }

  /** Subject of a record on a topic, with this serde's prefix. */
  subject(topic: TopicName, recordName: RecordName): string {
    return subjectName(topic, recordName, this.prefix);
  }

  /**
   * Registry id of the record's schema under its subject, registering it (BACKWARD) on first use. Concurrent
   * callers share one registration; a failure is not cached, so the next call retries.
   */
  schemaId(topic: TopicName, recordName: RecordName): Promise<number> {
    const subject = this.subject(topic, recordName);
    let id = this.ids.get(subject);
    if (!id) {
      id = this.register(topic, recordName, subject);
      id.catch(() => this.ids.delete(subject));
      this.ids.set(subject, id);
    }
    return id;
  }

  private async register(topic: TopicName, recordName: RecordName, subject: string): Promise<number> {
    if (!topicSpec(topic).records.includes(recordName)) {
      throw new SerdeError(
        `${recordName} does not belong on ${topic}; it carries ${topicSpec(topic).records.join(', ')}`,
      );
    }
    const record = this.schemas.records.get(recordName);
    if (!record) throw new SerdeError(`No Avro schema for ${recordName}`);
    await this.admin.setCompatibility(subject, 'BACKWARD');
    const { id } = await this.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(record.schema) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    return id;
  }

  /** Encodes a record for a topic (Confluent wire format). Throws if the record is not valid for its schema. */
  async encode<T extends TopicName, N extends RecordsOn<T> & RecordName>(
    topic: T,
    recordName: N,
    value: RecordTypes[N],
  ): Promise<Buffer> {
    const id = await this.schemaId(topic, recordName);
    return this.registry.encode(id, value);
  }

  /** Decodes a Confluent-framed Avro record into its full record name and value (in today's schema). */
  async decode(buffer: Buffer): Promise<TypedRecord> {
    if (buffer.length < 5 || buffer[0] !== 0) {
      throw new SerdeError(`Not a Confluent-framed Avro record (${buffer.length} bytes, magic byte ${buffer[0]})`);
    }
    const id = buffer.readInt32BE(1);
    let entry = this.resolvers.get(id);
    if (!entry) {
      entry = this.readerFor(id);
      entry.catch(() => this.resolvers.delete(id));
      this.resolvers.set(id, entry);
    }
    const { name, reader, resolver } = await entry;
    return { type: name, value: reader.fromBuffer(buffer.subarray(5), resolver, true) } as TypedRecord;
  }

  private async readerFor(id: number) {
    const writer = (await this.registry.getSchema(id)) as unknown as avro.Type;
    const name = writer.name as RecordName | undefined;
    const record = name ? this.schemas.records.get(name) : undefined;
    if (!name || !record) {
      throw new SerdeError(`Schema id ${id} is ${name ?? 'an unnamed type'}, which this build has no schema for`);
    }
    return { name, reader: record.type, resolver: record.type.createResolver(writer) };
  }
}
