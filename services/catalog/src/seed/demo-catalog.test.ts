import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CATALOG, demoImageUrl } from './demo-catalog.ts';
import { labelLines, PRODUCT_IMAGES_DIR, renderProductImage } from './generate-images.ts';

describe('demo catalog', () => {
  it('has at least 40 products over at least 5 categories, each SKU once', () => {
    expect(DEMO_CATALOG.length).toBeGreaterThanOrEqual(40);
    expect(new Set(DEMO_CATALOG.map((p) => p.category)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(DEMO_CATALOG.map((p) => p.sku)).size).toBe(DEMO_CATALOG.length);
  });

  it('prices are positive EUR minor units; stock is a whole number, some low, some zero', () => {
    for (const p of DEMO_CATALOG) {
      expect(p.price.currency, p.sku).toBe('EUR');
      expect(Number.isSafeInteger(p.price.amount) && p.price.amount > 0, p.sku).toBe(true);
      expect(Number.isSafeInteger(p.stock) && p.stock >= 0, p.sku).toBe(true);
      expect(p.name.length, p.sku).toBeGreaterThan(0);
      expect(p.description.length, p.sku).toBeGreaterThan(20);
    }
    expect(DEMO_CATALOG.filter((p) => p.stock === 0).length).toBeGreaterThanOrEqual(1);
    expect(DEMO_CATALOG.filter((p) => p.stock > 0 && p.stock <= 3).length).toBeGreaterThanOrEqual(3);
  });

  it('SKUs are safe file names, so /products/<sku>.svg needs no escaping', () => {
    for (const p of DEMO_CATALOG) expect(p.sku).toMatch(/^[A-Z0-9][A-Z0-9-]*$/);
    expect(demoImageUrl('COF-YIRG-250')).toBe('/products/COF-YIRG-250.svg');
  });
});

describe('product images', () => {
  it('are committed and up to date (run `npx tsx services/catalog/src/seed/generate-images.ts` when this fails)', () => {
    for (const p of DEMO_CATALOG) {
      const file = join(PRODUCT_IMAGES_DIR, `${p.sku}.svg`);
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, 'utf8'), file).toBe(renderProductImage(p));
    }
    const skus = new Set(DEMO_CATALOG.map((p) => `${p.sku}.svg`));
    expect(readdirSync(PRODUCT_IMAGES_DIR).filter((f) => !skus.has(f))).toEqual([]);
  });

  it('escape names for XML and stay small', () => {
    const svg = renderProductImage({ sku: 'X-1', name: 'Salt & <Pepper> "mill"', category: 'kitchen' });
    expect(svg).toContain('Salt &amp; &lt;Pepper&gt;');
    expect(svg).not.toContain('<Pepper>');
    expect(svg.length).toBeLessThan(2_000);
  });

  it('label at most two lines from the name before its first comma', () => {
    expect(labelLines('Ethiopia Yirgacheffe, whole bean 250 g')).toEqual(['Ethiopia', 'Yirgacheffe']);
    expect(labelLines('Cast iron teapot 0.8 l')).toEqual(['Cast iron teapot', '0.8 l']);
    expect(labelLines('A very long product name that keeps going and going').length).toBe(2);
  });
});
