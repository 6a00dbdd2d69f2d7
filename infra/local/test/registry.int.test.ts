/**
 * Avro over Kafka with the Confluent wire format, through @kafkajs/confluent-schema-registry against the running
 * Schema Registry, and the registry enforcing BACKWARD compatibility.
 */
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createNamespace, eventually } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ns = createNamespace(import.meta.url);
const registry = new SchemaRegistry({ host: ns.config.registry.url });

const v1 = {
  type: 'record',
  name: 'ProbeEvent',
  namespace: 'streamshop.probe',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'long' },
  ],
};

let topic: string;
beforeAll(async () => {
  [topic] = (await ns.createTopics([{ name: 'probe.events' }])) as [string];
});
afterAll(() => ns.cleanup());

describe('schema registry', () => {
  it('carries an Avro record through Kafka in the Confluent wire format', async () => {
    const subject = `${topic}-streamshop.probe.ProbeEvent`;
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
    expect(id).toBeGreaterThan(0);

    const encoded = await registry.encode(id, { id: 'a-1', amount: 1250 });
    expect(encoded[0]).toBe(0); // magic byte
    expect(encoded.readInt32BE(1)).toBe(id); // schema id, big-endian

    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'a-1', value: encoded }] });
    await producer.disconnect();

    const consumer = ns.kafka.consumer({ groupId: `${ns.id}-reader` });
    const received: unknown[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(await registry.decode(message.value!));
      },
    });
    await eventually(() => received.length === 1, { message: 'the Avro record is consumed' });
    await consumer.disconnect();
    expect(received[0]).toEqual({ id: 'a-1', amount: 1250 });
  });

  it('refuses a schema change that breaks BACKWARD compatibility', async () => {
    const subject = `${topic}-streamshop.probe.Guarded`;
    const guarded = { ...v1, name: 'Guarded' };
    await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(guarded) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    // A new required field without a default: readers of v2 cannot read v1 data.
    const breaking = { ...guarded, fields: [...guarded.fields, { name: 'currency', type: 'string' }] };
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }),
    ).rejects.toThrow(/409|incompatible|compatib/i);
    // The compatible version of the same change (a default) is accepted.
    const compatible = {
      ...guarded,
      fields: [...guarded.fields, { name: 'currency', type: 'string', default: 'EUR' }],
    };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject });
    expect(id).toBeGreaterThan(0);
  });
});
