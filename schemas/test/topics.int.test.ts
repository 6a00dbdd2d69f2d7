import { createNamespace, type Namespace } from '@streamshop/testkit';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTopics, ensureTopics, TopicMismatchError, topicName, waitForTopics } from '../src/topics.ts';

let ns: Namespace;

beforeAll(() => {
  ns = createNamespace(import.meta.url);
});

afterAll(async () => {
  await ns?.cleanup();
});

describe('ensureTopics against the real broker', () => {
  it('creates every missing topic with its partitions and cleanup policy, then only verifies', async () => {
    const admin = await ns.admin();
    const wanted = describeTopics({ prefix: ns.topicPrefix });

    const first = await ensureTopics(admin, { prefix: ns.topicPrefix });
    expect(first.created.sort()).toEqual(wanted.map((t) => t.topic).sort());
    expect(first.verified).toEqual([]);

    const { topics } = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.topic) });
    for (const t of wanted)
      expect(topics.find((m) => m.name === t.topic)?.partitions, t.topic).toHaveLength(t.partitions);
    const snapshots = topicName('orders.snapshots', ns.topicPrefix);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: snapshots }],
    });
    const policy = configs.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy');
    expect(policy?.configValue).toBe('compact');

    const second = await ensureTopics(admin, { prefix: ns.topicPrefix });
    expect(second.created).toEqual([]);
    expect(second.verified.sort()).toEqual(wanted.map((t) => t.topic).sort());
  });

  it('refuses an existing topic whose partition count differs, naming it', async () => {
    const admin = await ns.admin();
    const prefix = `${ns.id}_wrong.`;
    const wrong = topicName('payments.events', prefix);
    await admin.createTopics({ topics: [{ topic: wrong, numPartitions: 1 }], waitForLeaders: false });
    await waitForTopics(admin, [wrong]);
    try {
      const attempt = ensureTopics(admin, { prefix });
      await expect(attempt).rejects.toBeInstanceOf(TopicMismatchError);
      await expect(attempt).rejects.toThrow(`${wrong} has 1 partitions, the catalog says 3`);
    } finally {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      await admin.deleteTopics({ topics: mine });
    }
  });
});
