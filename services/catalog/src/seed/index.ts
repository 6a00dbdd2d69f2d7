/** The demo catalog and how to seed it (`@streamshop/catalog-service/seed`). */
export { DEMO_CATALOG, DEMO_CATEGORIES, type DemoCategory, type DemoProduct, demoImageUrl } from './demo-catalog.ts';
export { PRODUCT_IMAGES_DIR, renderProductImage, writeProductImages } from './generate-images.ts';
export {
  demoProductId,
  demoStockCommandId,
  SeedError,
  type SeedOptions,
  type SeedReport,
  seedDemoCatalog,
} from './seed.ts';
