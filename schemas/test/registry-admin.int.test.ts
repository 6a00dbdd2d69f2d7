/**
 * Concurrent starts against the real registry: every command service registers the reply subject (and often the
 * same event subjects) at the same moment on a fresh stack, so setting a subject's compatibility and registering
 * its schema must succeed for every caller at once, not for the first one and a 409 for the rest.
 */
import { createNamespace, type Namespace } from '@streamshop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNames } from '../src/generated/types.ts';
import { RegistryAdmin } from '../src/registry-admin.ts';
import { AvroSerde } from '../src/serde.ts';

let ns: Namespace;
let admin: RegistryAdmin;

beforeAll(() => {
  ns = createNamespace(import.meta.url);
  admin = new RegistryAdmin(ns.config.registry.url);
});

afterAll(async () => {
  await ns?.cleanup();
});

async function compatibilityOf(subject: string): Promise<string> {
  const res = await fetch(`${ns.config.registry.url.replace(/\/$/, '')}/config/${encodeURIComponent(subject)}`);
  return ((await res.json()) as { compatibilityLevel: string }).compatibilityLevel;
}

describe('registry writes from concurrent starts', () => {
  it('sets new subjects’ compatibility from many callers at once, each call succeeding', async () => {
    // The race is a window of a few milliseconds inside the registry: a dozen fresh subjects make it show every run.
    const subjects = Array.from({ length: 16 }, (_, i) => `${ns.topicPrefix}concurrent-${i}-value`);
    for (const subject of subjects) {
      const calls = await Promise.allSettled(
        Array.from({ length: 12 }, () => admin.setCompatibility(subject, 'BACKWARD')),
      );
      expect(calls.filter((c) => c.status === 'rejected')).toEqual([]);
      expect(await compatibilityOf(subject)).toBe('BACKWARD');
    }
  });

  it('keeps the level last asked for when a concurrent burst is followed by a change', async () => {
    const subject = `${ns.topicPrefix}changed-compatibility-value`;
    await Promise.all(Array.from({ length: 6 }, () => admin.setCompatibility(subject, 'BACKWARD')));
    await admin.setCompatibility(subject, 'FULL');
    expect(await compatibilityOf(subject)).toBe('FULL');
  });

  it('registers every order event from six services’ serdes at once, one id per record', async () => {
    const serdes = Array.from(
      { length: 6 },
      () => new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix }),
    );
    for (const record of recordNames.orders.events) {
      const ids = await Promise.allSettled(serdes.map((s) => s.schemaId('orders.events', record)));
      expect(ids.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(new Set(ids.map((r) => (r as PromiseFulfilledResult<number>).value)).size).toBe(1);
    }
  });
});
