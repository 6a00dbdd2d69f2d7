/**
 * The demo products' images: one small SVG per SKU (a tile in its category's colour, the category's glyph and the
 * product's short name), so the storefront shows pictures with no network and no binary assets in git.
 * Rendering is pure and deterministic; `npx tsx services/catalog/src/seed/generate-images.ts` rewrites
 * storefront/public/products/ from DEMO_CATALOG (a unit test fails when the committed files are stale).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntryPoint } from '@streamshop/command-service';
import { DEMO_CATALOG, type DemoCategory, type DemoProduct } from './demo-catalog.ts';

/** storefront/public/products: Vite copies public/ into dist/, which the gateway serves. */
export const PRODUCT_IMAGES_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../storefront/public/products',
);

/** Hue per category (HSL degrees); each product shifts lightness a little so neighbours differ. */
const HUE: Record<DemoCategory, number> = {
  coffee: 25,
  tea: 110,
  kitchen: 200,
  books: 265,
  stationery: 330,
  outdoor: 160,
};

/** One glyph per category, drawn in white on a 400 × 400 tile, centred around (200, 150). */
const GLYPH: Record<DemoCategory, string> = {
  coffee:
    '<ellipse cx="200" cy="150" rx="52" ry="74" transform="rotate(30 200 150)"/>' +
    '<path d="M176 96c40 30 8 78 48 108" fill="none" stroke="HUE" stroke-width="10" stroke-linecap="round"/>',
  tea:
    '<path d="M134 112h112v44a56 56 0 0 1-112 0z"/><path d="M246 124h14a22 22 0 0 1 0 44h-18" fill="none" stroke="#fff" stroke-width="10"/>' +
    '<path d="M190 100c-10-30 16-50 44-52-2 30-22 50-44 52z"/>',
  kitchen:
    '<path d="M130 130h140v60a30 30 0 0 1-30 30h-80a30 30 0 0 1-30-30z"/><rect x="110" y="118" width="180" height="14" rx="7"/>' +
    '<rect x="184" y="96" width="32" height="18" rx="6"/>',
  books:
    '<rect x="138" y="86" width="124" height="134" rx="8"/><rect x="154" y="86" width="10" height="134" fill="HUE"/>' +
    '<rect x="178" y="112" width="64" height="8" rx="4" fill="HUE"/><rect x="178" y="128" width="48" height="8" rx="4" fill="HUE"/>',
  stationery:
    '<g transform="rotate(-40 200 150)"><rect x="130" y="134" width="120" height="32" rx="4"/>' +
    '<path d="M250 134l40 16-40 16z"/><rect x="112" y="134" width="16" height="32" rx="4"/></g>',
  outdoor: '<circle cx="250" cy="98" r="20"/><path d="M110 214l64-100 40 58 22-30 54 72z"/>',
};

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The name up to its first comma, wrapped into at most two lines of about 18 characters. */
export function labelLines(name: string): string[] {
  const short = name.split(',')[0]!.trim();
  const lines: string[] = [];
  let line = '';
  for (const word of short.split(/\s+/)) {
    if (line && `${line} ${word}`.length > 18) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= 2) return lines;
  return [lines[0]!, `${lines.slice(1).join(' ').slice(0, 17)}…`];
}

export function renderProductImage(product: Pick<DemoProduct, 'sku' | 'name' | 'category'>): string {
  const hue = HUE[product.category];
  const light = 34 + (hash(product.sku) % 14);
  const bg = `hsl(${hue} 45% ${light}%)`;
  const bgDark = `hsl(${hue} 50% ${light - 12}%)`;
  const lines = labelLines(product.name);
  const text = lines
    .map((l, i) => `<text x="200" y="${(lines.length === 1 ? 290 : 272) + i * 38}">${escapeXml(l)}</text>`)
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="${escapeXml(product.name)}">`,
    `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${bg}"/><stop offset="1" stop-color="${bgDark}"/></linearGradient></defs>`,
    '<rect width="400" height="400" fill="url(#g)"/>',
    `<g fill="#fff">${GLYPH[product.category].replaceAll('HUE', bg)}</g>`,
    `<g fill="#fff" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="30" font-weight="600" text-anchor="middle">${text}</g>`,
    `<text x="200" y="370" fill="#fff" fill-opacity="0.7" font-family="ui-monospace, monospace" font-size="18" text-anchor="middle">${escapeXml(product.sku)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes `<sku>.svg` for every demo product and removes SVGs of SKUs no longer in the catalog. */
export function writeProductImages(dir = PRODUCT_IMAGES_DIR): { written: number; removed: string[] } {
  mkdirSync(dir, { recursive: true });
  const wanted = new Set(DEMO_CATALOG.map((p) => `${p.sku}.svg`));
  const removed = readdirSync(dir).filter((f) => f.endsWith('.svg') && !wanted.has(f));
  for (const f of removed) rmSync(join(dir, f));
  for (const p of DEMO_CATALOG) writeFileSync(join(dir, `${p.sku}.svg`), renderProductImage(p));
  return { written: DEMO_CATALOG.length, removed };
}

if (isEntryPoint(import.meta.url)) {
  const { written, removed } = writeProductImages();
  console.log(
    `${written} product images in ${PRODUCT_IMAGES_DIR}${removed.length ? `, removed ${removed.join(', ')}` : ''}`,
  );
}
