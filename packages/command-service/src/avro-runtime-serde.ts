/**
 * The runtime's `Serde` over the registry's `AvroSerde`. The runtime speaks physical topic names (with a test's
 * prefix); AvroSerde speaks the catalog's logical names and adds its own prefix to subjects. So this maps one to
 * the other, and refuses a topic that is not in the catalog under the serde's prefix rather than guessing.
 */
import type { Serde } from '@streamshop/eventsourcing-kafka';
import type { AvroSerde, RecordName, RecordTypes } from '@streamshop/schemas';
import { logicalTopic } from '@streamshop/schemas/topics';

export function avroRuntimeSerde(avro: AvroSerde): Serde {
  return {
    encode(topic, recordName, value) {
      const logical = logicalTopic(topic, avro.prefix);
      if (!logical) throw new Error(`${topic} is not a catalog topic under prefix "${avro.prefix}"`);
      // AvroSerde checks at run time that the record belongs on the topic and that the value fits its schema.
      return avro.encode(logical, recordName as never, value as RecordTypes[RecordName] as never);
    },
    decode: (buffer) => avro.decode(buffer),
  };
}
