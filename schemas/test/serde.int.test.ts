import { randomUUID } from 'node:crypto';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { createNamespace, eventually, type Namespace } from '@streamshop/testkit';
import type { Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderCancelled, OrderPlaced, ProductCreated } from '../src/generated/types.ts';
import { loadSchemaSet } from '../src/schema-set.ts';
import { AvroSerde } from '../src/serde.ts';
import { topicName, topicSpec, waitForTopics } from '../src/topics.ts';

let ns: Namespace;
let serde: AvroSerde;
let producer: Producer;
let consumer: Consumer;

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  producer = ns.kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await consumer?.disconnect();
  await producer?.disconnect();
  await ns?.cleanup();
});

const envelope = (aggregateId: string, aggregateVersion: number) => ({
  eventId: randomUUID(),
  aggregateId,
  aggregateVersion,
  occurredAt: 1_760_000_000_000,
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actorId: null,
});

describe('AvroSerde against the real registry and Kafka', () => {
  it('round-trips two record types through one real topic and tells them apart', async () => {
    const topic = topicName('orders.events', ns.topicPrefix);
    const admin = await ns.admin();
    await admin.createTopics({
      topics: [{ topic, numPartitions: topicSpec('orders.events').partitions }],
      waitForLeaders: false,
    });
    await waitForTopics(admin, [topic]);
    const orderId = randomUUID();
    const placed: OrderPlaced = {
      ...envelope(orderId, 1),
      customerId: 'user_1',
      lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: { amount: 1999, currency: 'EUR' }, name: 'Mug', category: null }],
      shippingAddress: {
        name: 'Ada',
        line1: '1 rue de la Paix',
        line2: null,
        postalCode: '75002',
        city: 'Paris',
        region: null,
        country: 'FR',
      },
      currency: 'EUR',
      total: { amount: 3998, currency: 'EUR' },
      paymentProvider: 'stripe',
      contact: { email: 'ada@example.com', name: 'Ada', locale: 'fr-FR' },
    };
    const cancelled: OrderCancelled = { ...envelope(orderId, 2), reason: 'customer_request', by: 'customer' };
    await producer.send({
      topic,
      messages: [
        { key: orderId, value: await serde.encode('orders.events', 'streamshop.orders.OrderPlaced', placed) },
        { key: orderId, value: await serde.encode('orders.events', 'streamshop.orders.OrderCancelled', cancelled) },
      ],
    });

    const received: Buffer[] = [];
    consumer = ns.kafka.consumer({ groupId: `${ns.id}-serde` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) received.push(message.value);
      },
    });
    await eventually(() => received.length === 2, { message: 'both records consumed' });

    const decoded = await Promise.all(received.map((b) => serde.decode(b)));
    expect(decoded).toEqual([
      { type: 'streamshop.orders.OrderPlaced', value: placed },
      { type: 'streamshop.orders.OrderCancelled', value: cancelled },
    ]);
    const first = decoded[0]!;
    if (first.type === 'streamshop.orders.OrderPlaced') expect(first.value.total.amount).toBe(3998);

    const subject = serde.subject('orders.events', 'streamshop.orders.OrderPlaced');
    expect(subject).toBe(`${ns.id}.orders.events-streamshop.orders.OrderPlaced`);
    expect(await serde.admin.subjects()).toEqual(
      expect.arrayContaining([subject, `${ns.id}.orders.events-streamshop.orders.OrderCancelled`]),
    );
    const config = await fetch(`${ns.config.registry.url}/config/${encodeURIComponent(subject)}`);
    expect(((await config.json()) as { compatibilityLevel: string }).compatibilityLevel).toBe('BACKWARD');
  });

  it('caches the registered id: the same subject is registered once per serde', async () => {
    const a = await serde.schemaId('orders.events', 'streamshop.orders.OrderPlaced');
    const b = await serde.schemaId('orders.events', 'streamshop.orders.OrderPlaced');
    expect(b).toBe(a);
  });

  it('refuses a record on a topic that does not carry it, and a value that does not fit its schema', async () => {
    await expect(
      // @ts-expect-error — the types already refuse a command on an events topic; the serde checks at runtime too
      serde.encode('orders.events', 'streamshop.orders.PlaceOrder', {}),
    ).rejects.toThrow(/does not belong on orders.events/);
    await expect(
      serde.encode('orders.events', 'streamshop.orders.OrderCancelled', {
        ...envelope('o', 1),
        reason: 'x',
        by: 'nobody' as 'customer',
      }),
    ).rejects.toThrow();
  });

  it('reads a record written with an older schema version in today’s shape', async () => {
    const { records } = loadSchemaSet();
    const today = records.get('streamshop.catalog.ProductCreated')!.schema;
    const older = { ...today, fields: today.fields!.filter((f) => f.name !== 'imageUrl') };
    const subject = serde.subject('catalog.events', 'streamshop.catalog.ProductCreated');
    await serde.admin.setCompatibility(subject, 'BACKWARD');
    const { id: olderId } = await serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(older) },
      { subject },
    );
    const { imageUrl: _, ...olderValue } = {
      ...envelope('p1', 1),
      sku: 'SKU-1',
      name: 'Shoe',
      description: 'A shoe',
      category: 'shoes',
      price: { amount: 4999, currency: 'EUR' },
      imageUrl: null,
    } satisfies ProductCreated;
    const bytes = await serde.registry.encode(olderId, olderValue);

    expect(await serde.decode(bytes)).toEqual({
      type: 'streamshop.catalog.ProductCreated',
      value: { ...olderValue, imageUrl: null },
    });
    // Today's schema is a compatible next version of that subject.
    expect(await serde.schemaId('catalog.events', 'streamshop.catalog.ProductCreated')).not.toBe(olderId);
  });

  it('has the registry refuse a BACKWARD-incompatible version', async () => {
    const subject = serde.subject('orders.events', 'streamshop.orders.OrderPlaced');
    await serde.schemaId('orders.events', 'streamshop.orders.OrderPlaced');
    const today = loadSchemaSet().records.get('streamshop.orders.OrderPlaced')!.schema;
    const breaking = {
      ...today,
      fields: [...today.fields!, { name: 'giftWrap', type: 'boolean', doc: 'Required and without a default.' }],
    };
    expect(await serde.admin.isCompatibleWithLatest(subject, breaking)).toBe(false);
    await expect(
      serde.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }),
    ).rejects.toThrow(/incompatible|409/i);
    const fine = {
      ...today,
      fields: [...today.fields!, { name: 'giftWrap', type: 'boolean', default: false, doc: 'With a default.' }],
    };
    expect(await serde.admin.isCompatibleWithLatest(subject, fine)).toBe(true);
  });

  it('rejects bytes that are not Confluent-framed Avro', async () => {
    await expect(serde.decode(Buffer.from('{"json":true}'))).rejects.toThrow(/Not a Confluent-framed/);
  });
});
