import { describe, expect, it } from 'vitest';
import { DeadlineIndex } from './deadline-index.ts';

const at = (key: string, due: number) => ({ key, due, item: { key } });

describe('DeadlineIndex', () => {
  it('returns what is due, once, then again after the retry delay if nothing settled it', () => {
    const index = new DeadlineIndex<{ key: string }>();
    index.apply(0, { set: [at('a', 100), at('b', 200)] });
    expect(index.takeDue(99, 50)).toEqual([]);
    expect(index.takeDue(100, 50).map((d) => d.key)).toEqual(['a']);
    expect(index.takeDue(120, 50)).toEqual([]);
    expect(index.takeDue(200, 50).map((d) => d.key)).toEqual(['a', 'b']);
  });

  it('forgets settled deadlines and folds a replay to the same index', () => {
    const index = new DeadlineIndex<{ key: string }>();
    const events = [{ set: [at('a', 100)] }, { set: [at('b', 100)] }, { clear: ['a'] }];
    for (const e of [...events, ...events]) index.apply(1, e);
    expect(index.size).toBe(1);
    expect(index.takeDue(100, 50).map((d) => d.key)).toEqual(['b']);
  });

  it('drops the partitions this instance no longer owns', () => {
    const index = new DeadlineIndex<{ key: string }>();
    index.apply(0, { set: [at('a', 1)] });
    index.apply(1, { set: [at('b', 1)] });
    index.retain(new Set([1]));
    expect(index.takeDue(10, 50).map((d) => d.key)).toEqual(['b']);
  });
});
