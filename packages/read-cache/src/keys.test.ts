import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUnknownRevisionKey, readModelKeys } from './keys.ts';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

describe('read model keys (docs/read-models.md)', () => {
  const keys = readModelKeys('t_x_ab12:');

  it('names a document key with the generation in it', () => {
    expect(keys.item('orders', 3, 'id', '7f00')).toBe('t_x_ab12:rm:orders:g3:id:7f00');
    expect(readModelKeys('').item('products', 1, 'sku', 'SKU-1')).toBe('rm:products:g1:sku:SKU-1');
  });

  it('names a list page by generation, revision and a hash of its parameters', () => {
    const params = 'category=shoes&sort=price';
    expect(keys.list('products', 2, 7, 'page', params)).toBe(`t_x_ab12:rm:products:g2:r7:page:${sha1(params)}`);
    expect(keys.list('products', 2, 8, 'page', params)).not.toBe(keys.list('products', 2, 7, 'page', params));
    expect(keys.list('products', 2, 7, 'page', 'a')).not.toBe(keys.list('products', 2, 7, 'page', 'b'));
  });

  it('marks a list key whose revision is unknown, and only such keys', () => {
    expect(isUnknownRevisionKey(keys.list('orders', 1, null, 'mine', 'u1'))).toBe(true);
    expect(isUnknownRevisionKey(keys.list('orders', 1, 0, 'mine', 'u1'))).toBe(false);
    expect(isUnknownRevisionKey(keys.item('orders', 1, 'id', 'x'))).toBe(false);
  });

  it('names the counters, the active-generation mirror and the channels', () => {
    expect(keys.revision('sales', 4)).toBe('t_x_ab12:rm:sales:g4:rev');
    expect(keys.invalidations('t_x_ab12:rm:orders:g3:id:7f00')).toBe('t_x_ab12:rm:orders:g3:id:7f00#inv');
    expect(keys.active('inventory')).toBe('t_x_ab12:rm:inventory:active');
    expect(keys.changesChannel('orders')).toBe('t_x_ab12:rm:orders:changes');
    expect(keys.controlChannel()).toBe('t_x_ab12:rm:control');
  });
});
