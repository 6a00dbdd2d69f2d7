/**
 * The back office in a real browser (issue 9's "done when"), against the whole platform in this file's namespace:
 * the demo admin creates a product, a shopper finds it by search, the admin receives stock for it, the shopper buys
 * two units with Stripe's test mode, the admin ships it with a tracking number and the shopper's open order page
 * shows "Shipped" and the tracking number by itself (SSE, no reload), the admin marks it delivered and refunds one
 * unit of the line; Stripe was asked for that refund exactly once and the shopper's page shows the refunded amount.
 * The same refund path through the PayPal sandbox. Then a CSV of 1,000 products with three bad rows through the
 * admin's import, axe-core over the shopper and admin pages (the admin's forms too), and a rebuild of every read
 * model that must give the admin the same views. Every step leaves a screenshot in storefront/e2e/screenshots/admin-*.
 *
 * Stripe is stripe-mock behind the order service tests' recording proxy (stripe-mock itself keeps nothing, so only
 * the proxy can tell how often a refund was asked); the PayPal sandbox records refunds on the PayPal order itself.
 */
import type { Platform } from '@streamshop/cli/platform';
import { createNamespace, type Namespace } from '@streamshop/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The order service tests' recording proxy in front of stripe-mock (not part of a package's public surface).
import { stripeRecorder } from '../../services/order/test/running-services.fixture.ts';
import { ADMIN, adminViews, apiAs, PROJECTION_NAMES, readModelLag, rebuildReadModel } from './admin-views.ts';
import { blockingViolations, describeViolations } from './axe.ts';
import { launchChromium, newShopper, screenshots } from './browser.ts';
import { startE2ePlatform } from './platform.ts';
import { productsCsv } from './products-csv.ts';
import {
  expectReached,
  markWindow,
  ORDER_SETTLES_MS,
  payWithPaypal,
  payWithStripeTestMode,
  placeOrder,
  poll,
  reloadUntil,
  type Shot,
  signIn,
  waitForStatus,
  windowStillMarked,
} from './shop-steps.ts';

const SHOPPER = 'user_demo_shopper';
const PRODUCT = {
  sku: 'E2E-ADMIN-ROAST',
  name: 'Back Office Journey Roast',
  category: 'coffee',
  price: '12.50',
  cents: 1250,
  description: 'Created by the admin in the browser journey.',
};
const SEARCH = 'journey roast';
const TRACKING = 'JJD000390077123';
/** A 1,000-row import through a two-core platform: a ceiling, not an expectation. */
const IMPORT_MS = 240_000;

let ns: Namespace;
let platform: Platform;
let browser: Browser;
let stripe: Awaited<ReturnType<typeof stripeRecorder>>;
let productId: string;
const journeyOrders: { stripe?: string; paypal?: string } = {};

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  stripe = await stripeRecorder(ns.config.stripe.apiBase);
  platform = await startE2ePlatform(ns, { ...ns.config, stripe: { ...ns.config.stripe, apiBase: stripe.url } });
  browser = await launchChromium(inject('chromiumPath'));
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await stripe?.close();
  await ns?.cleanup();
});

/** The admin's page for one order (from the orders list, filtered by the order's id). */
async function openAdminOrder(admin: Page, orderId: string): Promise<void> {
  await admin.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Orders' }).click();
  await admin.getByLabel(/order id/i).fill(orderId);
  await admin.getByTestId('orders-filter').click();
  await admin.locator(`[data-testid="admin-order-link"][href$="${orderId}"]`).click();
  await admin.locator(`[data-testid="admin-order"][data-order-id="${orderId}"]`).waitFor();
}

/**
 * Ships (carrier, tracking number), marks delivered, refunds one unit of the journey product's line with restock;
 * `watch` is told each status once the admin's page shows it.
 */
async function shipDeliverRefundOne(admin: Page, shot: Shot, watch: (status: string) => Promise<void>): Promise<void> {
  const ship = admin.getByRole('form', { name: 'Ship the order' });
  await ship.getByLabel('Carrier').fill('DHL');
  await ship.getByLabel('Tracking number').fill(TRACKING);
  await shot(admin, 'admin-ship');
  await ship.getByRole('button', { name: 'Ship order' }).click();
  await waitForStatus(admin, 'shipped', 'admin-order');
  await watch('shipped');

  await admin.getByRole('button', { name: 'Mark delivered' }).click();
  await waitForStatus(admin, 'delivered', 'admin-order');
  await shot(admin, 'admin-delivered');
  await watch('delivered');

  const refund = admin.getByRole('form', { name: 'Refund' });
  await refund.getByLabel(PRODUCT.name, { exact: false }).fill('1');
  await refund.getByLabel('Reason').fill('damaged in transit');
  // Shipped on this very page: the refund form now offers restock by default (it kept the pre-shipment default once).
  expect(await refund.getByTestId('refund-restock').isChecked()).toBe(true);
  await shot(admin, 'admin-refund');
  await refund.getByRole('button', { name: 'Refund', exact: true }).click();
  await poll(
    () => admin.getByTestId('order-refunded').locator('[data-amount]').getAttribute('data-amount'),
    ORDER_SETTLES_MS,
  ).toBe(String(PRODUCT.cents));
  await shot(admin, 'admin-refunded');
}

/** The shopper's open order page, unreloaded, shows the order delivered; a screenshot of it. */
async function expectDeliveredShown(shopper: Page, shot: Shot): Promise<void> {
  await poll(() => shopper.getByTestId('order-status').textContent()).toBe('Delivered');
  await expectReached(shopper, ['delivered']);
  expect(await windowStillMarked(shopper)).toBe(true);
  await shot(shopper, 'shopper-sees-delivered-live');
}

/** The shopper's open order page, unreloaded, shows the partial refund of one unit. */
async function expectRefundShown(shopper: Page): Promise<void> {
  const refunded = shopper.getByTestId('order-refunded');
  await poll(() => refunded.locator('[data-amount]').getAttribute('data-amount'), ORDER_SETTLES_MS).toBe(
    String(PRODUCT.cents),
  );
  await expect.poll(() => refunded.textContent()).toContain('Partly refunded');
  await poll(() => shopper.getByTestId('order-line-refunded').textContent()).toBe('1 refunded');
  expect(await windowStillMarked(shopper)).toBe(true);
}

/** The shopper opens the journey product from the search, waits for stock, puts two in the cart and checks out. */
async function buyTwo(shopper: Page, provider: 'Card (Stripe)' | 'PayPal', shot: Shot): Promise<string> {
  await shopper.goto(`/products/${encodeURIComponent(productId)}`);
  const add = shopper.getByRole('button', { name: 'Add to cart' });
  await shopper.getByLabel('Quantity').fill('2');
  await add.click();
  await poll(() => shopper.getByTestId('cart-count').textContent()).toBe('2');
  await shopper.getByTestId('cart-link').click();
  await shopper.locator(`[data-testid="cart-line"][data-sku="${PRODUCT.sku}"]`).waitFor();
  await shot(shopper, 'cart');
  return placeOrder(shopper, provider, shot);
}

describe('the back office in a real browser', () => {
  it('Stripe: create, find, receive, buy, ship (live on the shopper’s page), deliver, refund one unit once', async () => {
    const shot = screenshots('admin-stripe');
    const { context: adminContext, page: admin } = await newShopper(browser, platform.url);
    const { context: shopperContext, page: shopper } = await newShopper(browser, platform.url);
    try {
      // The demo admin lands on the back office.
      await signIn(admin, ADMIN);
      await admin.waitForURL((url) => url.pathname === '/admin');
      await admin.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await poll(() => admin.locator('.animate-spin').count()).toBe(0);
      await shot(admin, 'admin-dashboard');

      // Creates the product.
      await admin.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Products' }).click();
      await admin.getByRole('link', { name: 'New product' }).click();
      await admin.getByLabel('SKU', { exact: true }).fill(PRODUCT.sku);
      await admin.getByLabel('Name', { exact: true }).fill(PRODUCT.name);
      await admin.getByLabel('Category', { exact: true }).fill(PRODUCT.category);
      await admin.getByLabel('Price (EUR)').fill(PRODUCT.price);
      await admin.getByLabel(/^Description/).fill(PRODUCT.description);
      await shot(admin, 'admin-new-product');
      await admin.getByRole('button', { name: 'Create product' }).click();
      // The back office lists the new product by the SKU it was created with (the catalog's search matches SKUs too).
      await admin.waitForURL((url) => url.pathname === '/admin/products' && url.searchParams.get('q') === PRODUCT.sku);
      expect(await admin.getByLabel(/^Search by name/).inputValue()).toBe(PRODUCT.sku);
      const link = admin.getByRole('link', { name: PRODUCT.name });
      await reloadUntil(admin, () => link.count(), 1);
      productId = decodeURIComponent((await link.getAttribute('href'))!.split('/').pop()!);
      await shot(admin, 'admin-product-created');

      // A shopper finds it by search (sold out: nothing received yet).
      await signIn(shopper, SHOPPER);
      await shopper.getByRole('link', { name: 'Catalog' }).click();
      await shopper.getByLabel('Search products').fill(SEARCH);
      await shopper.getByLabel('Search products').press('Enter');
      const card = shopper.locator(`[data-testid="product-card"][data-sku="${PRODUCT.sku}"]`);
      await card.waitFor();
      expect(await card.getByTestId('product-name').textContent()).toBe(PRODUCT.name);
      await shot(shopper, 'shopper-finds-product');

      // The admin receives stock for it.
      await link.click();
      await admin.getByRole('link', { name: 'Manage stock' }).click();
      await admin.getByLabel('Units received').fill('20');
      await admin.getByLabel('Reference (delivery note)').fill('DN-2026-0042');
      await admin.getByRole('button', { name: 'Receive', exact: true }).click();
      await admin.getByText('Units received.').waitFor({ timeout: ORDER_SETTLES_MS });
      await reloadUntil(admin, () => admin.getByTestId('stock-on-hand').textContent(), '20');
      await shot(admin, 'admin-stock-received');

      // The shopper sees it in stock (the catalog read model follows the inventory events) and buys two.
      await shopper.goto(`/products/${encodeURIComponent(productId)}`);
      await shopper.getByTestId('product-page').waitFor();
      await reloadUntil(shopper, () => shopper.getByRole('button', { name: 'Add to cart' }).isEnabled(), true);
      const orderId = await buyTwo(shopper, 'Card (Stripe)', shot);
      journeyOrders.stripe = orderId;
      // From here on the shopper's page must follow the order by itself: a reload would drop this mark.
      await markWindow(shopper);
      await payWithStripeTestMode(shopper);
      await shot(shopper, 'shopper-confirmed');

      // The admin ships, delivers and refunds; the shopper's page shows each step live.
      await openAdminOrder(admin, orderId);
      await shot(admin, 'admin-order');
      await shipDeliverRefundOne(admin, shot, async (status) => {
        await waitForStatus(shopper, status);
        expect(await windowStillMarked(shopper)).toBe(true);
        if (status === 'shipped') {
          await poll(() => shopper.getByTestId('order-status').textContent()).toBe('Shipped');
          await poll(() => shopper.getByTestId('order-tracking').textContent()).toContain(TRACKING);
          await shot(shopper, 'shopper-sees-shipped-live');
        }
        if (status === 'delivered') await expectDeliveredShown(shopper, shot);
      });
      await expectRefundShown(shopper);
      await shot(shopper, 'shopper-sees-refund');

      // Stripe was asked for that refund exactly once, for one unit.
      const get = await apiAs(platform.url, ADMIN);
      const order = await get<{ payment: { providerReference: string } }>(`/api/admin/orders/${orderId}`);
      const intent = order.payment.providerReference;
      const refunds = stripe.calls.filter(
        (c) => c.method === 'POST' && c.path === '/v1/refunds' && c.body.get('payment_intent') === intent,
      );
      expect(refunds.map((c) => c.body.get('amount'))).toEqual([String(PRODUCT.cents)]);
    } finally {
      await adminContext.close();
      await shopperContext.close();
    }
  });

  it('PayPal: the same refund path through the sandbox, which records the one refund on the PayPal order', async () => {
    expect(productId, 'the Stripe journey must have created the product').toBeTruthy();
    const shot = screenshots('admin-paypal');
    const { context: adminContext, page: admin } = await newShopper(browser, platform.url);
    const { context: shopperContext, page: shopper } = await newShopper(browser, platform.url);
    try {
      await signIn(shopper, SHOPPER);
      const orderId = await buyTwo(shopper, 'PayPal', shot);
      journeyOrders.paypal = orderId;
      await payWithPaypal(shopper, platform.url, orderId, shot);
      // Back from PayPal: from here on the page must follow the order by itself.
      await markWindow(shopper);
      await shot(shopper, 'shopper-confirmed');

      await signIn(admin, ADMIN);
      await openAdminOrder(admin, orderId);
      await shipDeliverRefundOne(admin, shot, async (status) => {
        await waitForStatus(shopper, status);
        if (status === 'shipped')
          await poll(() => shopper.getByTestId('order-tracking').textContent()).toContain(TRACKING);
        if (status === 'delivered') await expectDeliveredShown(shopper, shot);
      });
      await expectRefundShown(shopper);
      await shot(shopper, 'shopper-sees-refund');

      // The sandbox's PayPal order holds exactly one refund, of one unit.
      const get = await apiAs(platform.url, ADMIN);
      const order = await get<{ payment: { providerReference: string } }>(`/api/admin/orders/${orderId}`);
      const paypal = await paypalOrder(order.payment.providerReference);
      const recorded = paypal.purchase_units.flatMap((u) => u.payments?.refunds ?? []);
      expect(recorded.map((r) => r.amount.value)).toEqual([PRODUCT.price]);
    } finally {
      await adminContext.close();
      await shopperContext.close();
    }
  });

  it('imports a CSV of 1,000 products with three bad rows: 997 imported, the three reported with their reasons', async () => {
    const shot = screenshots('admin-import');
    const generated = productsCsv('CSVE2E', 1_000);
    const { context, page: admin } = await newShopper(browser, platform.url);
    try {
      await signIn(admin, ADMIN);
      await admin.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Products' }).click();
      await admin.getByLabel('CSV file').setInputFiles({
        name: 'products.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(generated.csv),
      });
      const report = admin.getByTestId('import-report');
      const count = async (testId: string) => {
        const el = admin.getByTestId(testId);
        return (await el.count()) === 0 ? 0 : Number(await el.textContent());
      };
      /** Presses Import and waits for the gateway's answer to be on the page. */
      const importFile = async () => {
        const answered = admin.waitForResponse(
          (r) => new URL(r.url()).pathname === '/api/admin/products/import' && r.request().method() === 'POST',
          { timeout: IMPORT_MS },
        );
        await admin.getByRole('button', { name: 'Import', exact: true }).click();
        expect((await answered).status()).toBe(200);
        await report.waitFor();
        await poll(() => admin.getByRole('button', { name: 'Import', exact: true }).isEnabled()).toBe(true);
      };
      await importFile();
      await shot(admin, 'import-report');

      // Every valid row is imported, or was still being decided when the answer went out (the gateway's wait for a
      // reply is bounded); importing the file again then finds those rows as they were decided: unchanged.
      expect((await count('import-imported')) + (await count('import-pending'))).toBe(generated.valid);
      let imported = await count('import-imported');
      let unchanged = await count('import-unchanged');
      for (let attempt = 0; (await count('import-pending')) > 0 && attempt < 5; attempt++) {
        await importFile();
        imported = await count('import-imported');
        unchanged = await count('import-unchanged');
      }
      expect(await count('import-pending')).toBe(0);
      expect(imported + unchanged).toBe(generated.valid);
      expect(await count('import-failed')).toBe(3);

      const failures = admin.getByTestId('import-failure');
      // Runs in the page. Typed by shape: the CLI's import graph brings React's empty DOM stubs (no DOM lib here).
      type Row = { dataset: Record<string, string | undefined>; textContent: string | null };
      const rows = await failures.evaluateAll((trs) =>
        (trs as unknown as Row[]).map((tr) => [tr.dataset.row, tr.textContent]),
      );
      expect(rows.map(([row]) => Number(row))).toEqual(generated.bad.map((b) => b.row));
      for (const [i, bad] of generated.bad.entries()) expect(rows[i]![1]).toContain(bad.reason);

      // The rows became products the shop lists (the products worker folds all thousand in its own time).
      const shop = await apiAs(platform.url, ADMIN);
      await expect
        .poll(
          async () =>
            (await shop<{ items: { sku: string }[] }>('/api/products?q=imported%20roast%200%2C')).items.map(
              (p) => p.sku,
            ),
          { timeout: IMPORT_MS, interval: 2_000 },
        )
        .toContain(`${generated.skuPrefix}-0000`);
      await shot(admin, 'import-done');
    } finally {
      await context.close();
    }
  });

  it('axe-core finds no serious or critical violation on the shopper pages and the admin pages', async () => {
    const stripeOrder = journeyOrders.stripe;
    expect(stripeOrder, 'the Stripe journey must have placed an order').toBeTruthy();
    const shot = screenshots('admin-a11y');
    const checked: string[] = [];
    /** Waits until the page shows what it is for (each `ready` test id visible, no spinner), then runs axe. */
    const check = async (page: Page, name: string, ...ready: string[]) => {
      for (const testId of ready) await page.getByTestId(testId).first().waitFor();
      await poll(() => page.locator('.animate-spin').count()).toBe(0);
      await shot(page, name);
      const violations = await blockingViolations(page);
      expect.soft(violations, describeViolations(name, violations)).toEqual([]);
      checked.push(name);
    };

    const { context: shopperContext, page: shopper } = await newShopper(browser, platform.url);
    const { context: adminContext, page: admin } = await newShopper(browser, platform.url);
    try {
      await shopper.goto('/sign-in');
      await check(shopper, 'sign-in', 'dev-users');
      await signIn(shopper, SHOPPER);
      await shopper.goto('/');
      await check(shopper, 'catalog', 'product-card');
      await shopper.goto(`/products/${encodeURIComponent(productId)}`);
      await check(shopper, 'product', 'product-page');
      await shopper.getByRole('button', { name: 'Add to cart' }).click();
      await shopper.getByTestId('cart-link').click();
      await check(shopper, 'cart', 'cart-lines');
      await shopper.getByTestId('checkout-link').click();
      await check(shopper, 'checkout', 'place-order');
      await shopper.goto(`/orders/${stripeOrder}`);
      await check(shopper, 'order', 'order-page');
      await shopper.goto('/orders');
      await check(shopper, 'my-orders', 'order-row');

      await signIn(admin, ADMIN);
      await admin.goto('/admin');
      await check(admin, 'admin-dashboard', 'kpi-net');
      await admin.goto('/admin/products');
      await check(admin, 'admin-products', 'admin-products');
      await admin.goto('/admin/stock');
      await check(admin, 'admin-stock', 'stock-link');
      await admin.goto('/admin/orders');
      await check(admin, 'admin-orders', 'admin-order-link');
      await admin.goto(`/admin/orders/${stripeOrder}`);
      await check(admin, 'admin-order-detail', 'admin-order');
      await admin.goto('/admin/customers');
      await check(admin, 'admin-customers', 'admin');
      // The admin's forms, on the journey's own product, SKU and shopper.
      await admin.goto('/admin/products/new');
      await check(admin, 'admin-new-product', 'product-form-sku', 'create-product');
      await admin.goto(`/admin/products/${encodeURIComponent(productId)}`);
      await check(admin, 'admin-edit-product', 'admin-product', 'product-new-price');
      await admin.goto(`/admin/stock/${encodeURIComponent(PRODUCT.sku)}`);
      await check(admin, 'admin-stock-item', 'stock-levels', 'receive-quantity');
      await admin.goto(`/admin/customers/${encodeURIComponent(SHOPPER)}`);
      await check(admin, 'admin-customer', 'customer-stats', 'customer-orders');
    } finally {
      await shopperContext.close();
      await adminContext.close();
    }
    expect(checked).toHaveLength(17);
  });

  // Five rebuilds, each a CLI start and a fold from offset zero: a ceiling for a busy two-core machine.
  it('a rebuild of every read model gives the admin the same views', { timeout: 600_000 }, async () => {
    const orderIds = [journeyOrders.stripe, journeyOrders.paypal].filter((id): id is string => Boolean(id));
    expect(orderIds).toHaveLength(2);
    const records = { orderIds, productIds: [productId], skus: [PRODUCT.sku], customerIds: [SHOPPER] };
    // "Before" is what the read models say once they have folded everything (the import's thousand products too).
    await expect
      .poll(() => readModelLag(ns), { timeout: ORDER_SETTLES_MS, interval: 1_000 })
      .toEqual(Object.fromEntries(PROJECTION_NAMES.map((model) => [model, 0])));
    const before = await adminViews(platform.url, records);
    // The views hold the journey's records (equal empty lists would prove nothing).
    const has = (view: string, record: object) =>
      expect(before[view], view).toEqual(expect.arrayContaining([expect.objectContaining(record)]));
    has('/api/products (all pages)', { id: productId, sku: PRODUCT.sku });
    has('/api/admin/stock (all pages)', { sku: PRODUCT.sku });
    for (const id of orderIds) has(`/api/admin/customers/${SHOPPER}/orders (all pages)`, { id });
    for (const model of PROJECTION_NAMES) {
      const done = await rebuildReadModel(ns, model);
      expect(done, `rebuild of ${model}`).toMatchObject({ model, switched: true });
    }
    const after = await adminViews(platform.url, records);
    expect(after).toEqual(before);
  });
});

interface PaypalOrder {
  purchase_units: { payments?: { refunds?: { amount: { value: string } }[] } }[];
}

/** The sandbox's PayPal order as the PayPal API shows it (client-credentials token, as the payment service gets it). */
async function paypalOrder(paypalOrderId: string): Promise<PaypalOrder> {
  const { apiBase, clientId, clientSecret } = ns.config.paypal;
  const tokenRes = await fetch(new URL('/v1/oauth2/token', apiBase), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(new URL(`/v2/checkout/orders/${encodeURIComponent(paypalOrderId)}`, apiBase), {
    headers: { authorization: `Bearer ${access_token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as PaypalOrder;
}
