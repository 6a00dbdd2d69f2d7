import { describe, expect, it } from 'vitest';
import { followActiveGenerations } from './active-generations.ts';
import type { ControlNotice, ReadCache } from './read-cache.ts';

/** A mirror in memory that counts reads (each would be a Redis round trip) and delivers control notices on demand. */
function fakeMirror(initial: Record<string, number | null>) {
  const mirror = new Map(Object.entries(initial));
  let handler: ((notice: ControlNotice) => void) | undefined;
  const fake = {
    reads: 0,
    closed: false,
    /** Lets a test hold the next read's answer back, to interleave a notice with it. */
    hold: undefined as Promise<void> | undefined,
    async activeGeneration(model: string) {
      fake.reads++;
      const answer = mirror.get(model) ?? null;
      await fake.hold;
      return answer;
    },
    async subscribeControl(h: (notice: ControlNotice) => void) {
      handler = h;
      return {
        close: async () => {
          fake.closed = true;
        },
      };
    },
    /** What setActiveGeneration does: the mirror changes, then the notice arrives. */
    switchTo(model: ControlNotice['model'], active: number) {
      mirror.set(model, active);
      handler?.({ model, active });
    },
  } satisfies Pick<ReadCache, 'activeGeneration' | 'subscribeControl'> & Record<string, unknown>;
  return fake;
}

describe('followActiveGenerations', () => {
  it('reads the mirror once, then answers from memory while fresh', async () => {
    const mirror = fakeMirror({ products: 1 });
    const generations = followActiveGenerations(mirror);
    await generations.start();
    for (let i = 0; i < 5; i++) expect(await generations.get('products')).toBe(1);
    expect(mirror.reads).toBe(1);
  });

  it('follows a switch as soon as its notice arrives, without reading Redis', async () => {
    const mirror = fakeMirror({ products: 1 });
    const generations = followActiveGenerations(mirror);
    await generations.start();
    expect(await generations.get('products')).toBe(1);
    mirror.switchTo('products', 2);
    expect(await generations.get('products')).toBe(2);
    expect(mirror.reads).toBe(1);
  });

  it('does not let a read sent before a switch overwrite the switch', async () => {
    const mirror = fakeMirror({ orders: 1 });
    const generations = followActiveGenerations(mirror);
    await generations.start();
    let release!: () => void;
    mirror.hold = new Promise<void>((r) => {
      release = r;
    });
    const early = generations.get('orders'); // answered "1" by Redis, but the reply is still on its way
    mirror.switchTo('orders', 2);
    release();
    expect(await early).toBe(1);
    mirror.hold = undefined;
    expect(await generations.get('orders')).toBe(2);
    expect(mirror.reads).toBe(1);
  });

  it('reads the mirror again once an answer is older than maxAgeMs (a lost notice is seen late, not never)', async () => {
    let clock = 0;
    const mirror = fakeMirror({ sales: 3 });
    const generations = followActiveGenerations(mirror, { maxAgeMs: 1_000, now: () => clock });
    await generations.start();
    expect(await generations.get('sales')).toBe(3);
    mirror.switchTo('sales', 4);
    clock = 999;
    expect(await generations.get('sales')).toBe(4);
    expect(mirror.reads).toBe(1);
    clock = 1_000; // the notice's answer has aged out too
    expect(await generations.get('sales')).toBe(4);
    expect(mirror.reads).toBe(2);
  });

  it('keeps no "absent or unreachable": the caller asks the control document every time', async () => {
    const mirror = fakeMirror({ users: null });
    const generations = followActiveGenerations(mirror);
    await generations.start();
    expect(await generations.get('users')).toBeNull();
    expect(await generations.get('users')).toBeNull();
    expect(mirror.reads).toBe(2);
  });

  it('reads through before start and after stop, and closes its subscription', async () => {
    const mirror = fakeMirror({ inventory: 5 });
    const generations = followActiveGenerations(mirror);
    expect(await generations.get('inventory')).toBe(5);
    expect(await generations.get('inventory')).toBe(5);
    expect(mirror.reads).toBe(2);
    await generations.start();
    await generations.get('inventory');
    await generations.stop();
    expect(mirror.closed).toBe(true);
    await generations.get('inventory');
    expect(mirror.reads).toBe(4);
  });
});
