/**
 * The demo catalog a fresh platform starts with (`streamshop up`, `streamshop seed`): what a shopper browses on
 * first visit. Prices are EUR minor units; `stock` is the initial quantity received per SKU (a few are low, two are
 * zero, so the storefront's "only n left" and "out of stock" states show up without setting anything up).
 *
 * Images are small SVGs generated from this list (`generate-images.ts`) and committed under
 * storefront/public/products/, so they work offline; the gateway serves them from the built storefront.
 */
import type { Money } from '@streamshop/schemas/types';

export const DEMO_CATEGORIES = ['coffee', 'tea', 'kitchen', 'books', 'stationery', 'outdoor'] as const;
export type DemoCategory = (typeof DEMO_CATEGORIES)[number];

export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  category: DemoCategory;
  price: Money;
  /** Units received when the demo is seeded; 0 means the SKU is listed but out of stock. */
  stock: number;
}

/** Where the storefront finds a product's image (served from storefront/public, i.e. the built storefront). */
export const demoImageUrl = (sku: string): string => `/products/${sku}.svg`;

const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

type Row = [sku: string, name: string, priceCents: number, stock: number, description: string];

// biome-ignore format: one product per line reads as a table.
const ROWS: Record<DemoCategory, Row[]> = {
  coffee: [
    ['COF-YIRG-250', 'Ethiopia Yirgacheffe, whole bean 250 g', 1290, 64, 'Washed heirloom varieties from Gedeo. Jasmine, bergamot and lemon; light roast for filter.'],
    ['COF-HUIL-250', 'Colombia Huila, whole bean 250 g', 1150, 80, 'Caturra and Castillo from smallholders around Pitalito. Red apple, panela and milk chocolate.'],
    ['COF-SANT-1KG', 'Brazil Santos espresso blend 1 kg', 2890, 35, 'Natural-process Bourbon with a touch of robusta for crema. Hazelnut, cocoa, low acidity.'],
    ['COF-KENY-250', 'Kenya Nyeri AA, whole bean 250 g', 1590, 3, 'SL28 and SL34 from the slopes of Mount Kenya. Blackcurrant, tomato vine and a juicy finish.'],
    ['COF-DECA-250', 'Swiss Water decaf, ground 250 g', 1090, 42, 'Chemical-free decaffeinated Peruvian beans, ground for filter. Caramel and toasted almond.'],
    ['COF-COLD-500', 'Cold brew coarse grind 500 g', 1490, 27, 'A coarse grind for steeping overnight: smooth, chocolatey and barely bitter over ice.'],
    ['COF-GUAT-250', 'Guatemala Antigua, whole bean 250 g', 1250, 0, 'Grown under shade on volcanic soil. Brown sugar, orange peel and a cocoa finish. Back in spring.'],
    ['COF-CAPS-40', 'Espresso capsules, 40 pack', 1390, 120, 'Compostable capsules compatible with the common 1-cup machines. Intensity 9 of 12.'],
  ],
  tea: [
    ['TEA-SENC-100', 'Japanese sencha, loose leaf 100 g', 1490, 55, 'First-flush sencha from Shizuoka, steamed briefly. Grassy, sweet and brothy; brew at 70 °C.'],
    ['TEA-ASSM-250', 'Assam breakfast, loose leaf 250 g', 990, 90, 'Malty second-flush Assam that stands up to milk. Strong enough for the darkest mornings.'],
    ['TEA-EARL-100', 'Earl Grey with cornflower 100 g', 890, 70, 'Ceylon black tea scented with cold-pressed Calabrian bergamot and blue cornflower petals.'],
    ['TEA-MATC-30', 'Ceremonial matcha 30 g', 2490, 2, 'Stone-ground tencha from Uji, vivid green and umami-rich. Whisk with 70 ml water at 75 °C.'],
    ['TEA-CHAM-50', 'Chamomile flowers 50 g', 690, 48, 'Whole Egyptian chamomile flowers for an evening cup. Honeyed, apple-like and caffeine free.'],
    ['TEA-OOLO-100', 'Taiwan high mountain oolong 100 g', 1890, 24, 'Rolled Qingxin oolong from Alishan. Orchid and cream; infuse the same leaves five times.'],
    ['TEA-ROOI-100', 'Rooibos vanilla 100 g', 790, 66, 'South African red bush with real vanilla pieces. Naturally sweet, no caffeine, kids approve.'],
  ],
  kitchen: [
    ['KIT-POUR-02', 'Ceramic pour-over dripper, size 02', 2490, 31, 'Glazed porcelain dripper with spiral ribs for an even extraction. Fits standard 02 filters.'],
    ['KIT-GRIN-HAND', 'Hand grinder with steel burrs', 7900, 12, 'Conical stainless steel burrs, 40 click settings from espresso to French press. Fits in a bag.'],
    ['KIT-KETT-GOOS', 'Gooseneck kettle 0.9 l', 4990, 18, 'Stainless steel stovetop kettle with a thin spout for a slow, precise pour. Built-in thermometer.'],
    ['KIT-PRES-1L', 'French press 1 l', 3290, 26, 'Borosilicate glass carafe in a brushed steel frame, four-layer mesh filter. Eight cups.'],
    ['KIT-SCAL-TIME', 'Coffee scale with timer', 3990, 1, 'Weighs to 0.1 g up to 2 kg with a built-in brew timer. USB-C rechargeable, water resistant.'],
    ['KIT-MUG-SET2', 'Stoneware mugs, set of two', 2890, 40, 'Hand-dipped reactive glaze, 350 ml each; every pair comes out slightly different.'],
    ['KIT-TEAP-CAST', 'Cast iron teapot 0.8 l', 5490, 9, 'Tetsubin-style pot, enamelled inside, with a removable stainless infuser basket.'],
    ['KIT-CANI-AIR', 'Airtight coffee canister', 2190, 0, 'Keeps 500 g of beans fresh with a one-way CO₂ valve and a date dial on the lid.'],
  ],
  books: [
    ['BOK-WCA-HB', 'The World Atlas of Coffee', 3500, 15, 'From bean to brewing: growing regions, processing and tasting, with maps and photographs. Hardback.'],
    ['BOK-TEA-GUIDE', 'A Field Guide to Tea', 2200, 20, 'Six families of tea, how they are made and how to brew each. Pocket-sized paperback.'],
    ['BOK-ESPR-SCI', 'Espresso: The Science of the Shot', 2990, 8, 'Extraction, pressure, grind and water chemistry, explained for people who weigh their doses.'],
    ['BOK-BAKE-SOUR', 'Sourdough at Home', 2690, 22, 'A year of loaves from one starter: country bread, rye, focaccia and a few sweet things.'],
    ['BOK-TRAIL-ALPS', 'Hut to Hut in the Alps', 2490, 11, 'Twenty multi-day walks between mountain huts, with route maps, gradients and booking tips.'],
    ['BOK-HAND-LETT', 'Hand Lettering Workbook', 1890, 34, 'Practice pages for brush and pointed pen: basic strokes to full alphabets and layouts.'],
    ['BOK-SLOW-MORN', 'Slow Mornings', 1990, 2, 'Essays on rituals, small pleasures and the first hour of the day. Cloth-bound, ribbon marker.'],
  ],
  stationery: [
    ['STA-NOTE-A5D', 'A5 dotted notebook', 1690, 75, '192 numbered pages of 100 g/m² ivory paper, lay-flat binding, two ribbon markers.'],
    ['STA-FPEN-STL', 'Steel nib fountain pen', 3490, 19, 'Aluminium body with a fine steel nib and converter; takes standard international cartridges.'],
    ['STA-INK-BLUE', 'Bottled ink, blue-black 50 ml', 1290, 38, 'Water-based, quick-drying and gentle on nibs. A deep blue that settles to a near-black.'],
    ['STA-PENC-HB12', 'Cedar pencils HB, box of 12', 890, 100, 'Incense-cedar pencils with a smooth HB core, pre-sharpened, in a recycled card box.'],
    ['STA-PLAN-2026', 'Weekly planner 2026', 2290, 44, 'Week on two pages with a notes column, monthly overviews and a pocket at the back.'],
    ['STA-WASH-SET', 'Washi tape set of 6', 990, 60, 'Six rolls of Japanese paper tape in muted tones; tears by hand, repositions cleanly.'],
    ['STA-DESK-PAD', 'Felt desk pad 80 × 30 cm', 3990, 14, 'Merino wool felt that keeps a keyboard, mouse and notebook in place. Non-slip underside.'],
  ],
  outdoor: [
    ['OUT-FLSK-750', 'Insulated flask 750 ml', 3290, 50, 'Double-walled stainless steel: hot for 12 hours, cold for 24. The lid doubles as a cup.'],
    ['OUT-MUG-TI', 'Titanium camping mug 450 ml', 2990, 23, 'Weighs 68 g, sits directly on a stove, folding handles. Measurement marks inside.'],
    ['OUT-STOV-GAS', 'Compact gas stove', 4490, 7, 'Folds to the size of an egg and boils a litre in four minutes. Screws onto standard canisters.'],
    ['OUT-PRES-TRV', 'Travel coffee press', 3690, 16, 'Brew in the cup and drink from it: 350 ml, press filter, leak-proof sip lid.'],
    ['OUT-HAMM-LT', 'Lightweight hammock', 5990, 5, 'Ripstop parachute nylon with tree straps; packs into its own pouch. Holds 150 kg.'],
    ['OUT-LAMP-USB', 'Rechargeable camp lantern', 2790, 29, 'Warm and cool light, 300 lumens, 40 hours on low; doubles as a power bank.'],
    ['OUT-BLAN-PIC', 'Waterproof picnic blanket', 3490, 33, 'Soft fleece on top, waterproof backing below; rolls up with a carry strap. 200 × 150 cm.'],
    ['OUT-KNIF-FOLD', 'Folding pocket knife', 3990, 13, 'Stainless steel blade with an oak handle and a liner lock. 8 cm blade, 80 g.'],
  ],
};

export const DEMO_CATALOG: readonly DemoProduct[] = DEMO_CATEGORIES.flatMap((category) =>
  ROWS[category].map(([sku, name, priceCents, stock, description]) => ({
    sku,
    name,
    description,
    category,
    price: eur(priceCents),
    stock,
  })),
);
