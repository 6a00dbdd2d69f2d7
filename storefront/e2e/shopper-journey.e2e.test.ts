/**
 * The shopper's journey in a real browser (issue 5's "done when"): against the whole platform — stack, topics,
 * command services, projections, and the gateway serving the built storefront with the seeded demo catalog — a
 * shopper signs in, searches, adds two products, checks out and pays, and the order page moves through
 * placed → stock reserved → payment requested → paid → confirmed on its own, over SSE, without a reload. Once with
 * Stripe's test mode, once through the PayPal sandbox's approval page; then a second shopper who opens the first
 * one's order URL is told it does not exist. Every step leaves a screenshot in storefront/e2e/screenshots/.
 * The paid Stripe order's invoice is downloaded from the order page: a PDF whose text has the invoice number, its
 * first page kept beside the screenshots.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from '@streamshop/cli/platform';
import { createNamespace, type Namespace, pdfFirstPagePng, pdfText } from '@streamshop/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, newShopper, SCREENSHOTS_DIR, screenshots } from './browser.ts';
import { startE2ePlatform } from './platform.ts';
import {
  expectReached,
  markWindow,
  ORDER_SETTLES_MS,
  placeOrder,
  poll,
  type Shot,
  signIn,
  waitForStatus,
  windowStillMarked,
} from './shop-steps.ts';

const SEARCH = 'whole bean';
const SHOPPER = 'user_demo_shopper';
const OTHER_SHOPPER = 'user_demo_shopper2';

let ns: Namespace;
let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  ns = createNamespace(import.meta.url);
  platform = await startE2ePlatform(ns);
  browser = await launchChromium(inject('chromiumPath'));
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await ns?.cleanup();
});

/**
 * Clicks "Download invoice" once the invoice is issued (a moment after the payment) and captures the file Chromium
 * saves: a PDF named for its number, whose text carries that number and the order's id; its first page goes beside
 * the screenshots.
 */
async function downloadInvoice(page: Page, orderId: string, journey: string): Promise<string> {
  const button = page.getByRole('button', { name: /^Download invoice INV-\d{4}-\d{6}$/ });
  await button.waitFor({ timeout: ORDER_SETTLES_MS });
  const number = (await button.textContent())?.replace('Download invoice ', '') ?? '';
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toBe(`${number}.pdf`);
  const pdf = await readFile(await download.path());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const text = await pdfText(pdf);
  expect(text).toContain(`Invoice ${number}`);
  expect(text).toContain(`Order: ${orderId}`);
  await pdfFirstPagePng(pdf, join(SCREENSHOTS_DIR, journey, 'invoice-page-1.png'));
  return number;
}

/** Search the catalog, check the results match, add the first two products in stock. */
async function searchAndAddTwo(page: Page, shot: Shot): Promise<string[]> {
  await page.getByRole('link', { name: 'Catalog' }).click();
  await page.getByLabel('Search products').fill(SEARCH);
  await page.getByLabel('Search products').press('Enter');
  await page.waitForURL((url) => url.searchParams.get('q') === SEARCH);
  const cards = page.getByTestId('product-card');
  await poll(async () => (await cards.getByTestId('product-name').allTextContents()).length).toBeGreaterThan(1);
  // Every result is a match: the grid is the search's answer, not the unfiltered catalog.
  const names = await cards.getByTestId('product-name').allTextContents();
  for (const name of names) expect(name.toLowerCase()).toContain(SEARCH);
  await shot(page, 'search-results');

  const addable = page.locator('[data-testid="product-card"]:has([data-testid="add-to-cart"]:enabled)');
  const chosen: string[] = [];
  for (const i of [0, 1]) {
    const card = addable.nth(i);
    const sku = await card.getAttribute('data-sku');
    expect(sku).toBeTruthy();
    await card.getByTestId('add-to-cart').click();
    chosen.push(sku!);
  }
  await poll(() => page.getByTestId('cart-count').textContent()).toBe('2');
  await shot(page, 'added-two-products');
  return chosen;
}

async function checkout(page: Page, provider: 'Card (Stripe)' | 'PayPal', skus: string[], shot: Shot): Promise<string> {
  await page.getByTestId('cart-link').click();
  for (const sku of skus) await page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`).waitFor();
  await shot(page, 'cart');
  return placeOrder(page, provider, shot);
}

describe('the shopper journey in a real browser', () => {
  let stripeOrderUrl: string;

  it('Stripe test mode: sign in, search, add two products, check out, pay; the order page moves live to confirmed', async () => {
    const shot = screenshots('stripe');
    const { context, page } = await newShopper(browser, platform.url);
    try {
      await signIn(page, SHOPPER);
      await shot(page, 'signed-in');
      // From here on everything is client-side: a reload would drop this mark.
      await markWindow(page);

      const skus = await searchAndAddTwo(page, shot);
      const orderId = await checkout(page, 'Card (Stripe)', skus, shot);
      stripeOrderUrl = page.url();
      await expectReached(page, ['placed']);
      await shot(page, 'order-placed');

      // Stock is reserved and payment requested by the saga; the page learns it over SSE.
      const pay = page.getByTestId('pay-test-mode');
      await pay.waitFor({ timeout: ORDER_SETTLES_MS });
      await expectReached(page, ['placed', 'reserved', 'payment_requested']);
      await poll(() => page.getByTestId('live-status').getAttribute('data-state')).toBe('live');
      await shot(page, 'awaiting-payment');

      await pay.click();
      await waitForStatus(page, 'confirmed');
      await expectReached(page, ['placed', 'reserved', 'payment_requested', 'paid', 'confirmed']);
      await shot(page, 'confirmed');

      // The paid order's invoice: issued by the invoicing service, offered on the page once the order knows it.
      await downloadInvoice(page, orderId, 'stripe');
      await shot(page, 'invoice-downloaded');

      expect(await windowStillMarked(page)).toBe(true);
      expect(new URL(page.url()).pathname).toBe(`/orders/${orderId}`);

      // The order is among the shopper's orders.
      await page.getByRole('link', { name: 'My orders' }).click();
      await page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`).waitFor();
      await shot(page, 'my-orders');
    } finally {
      await context.close();
    }
  });

  it('PayPal: the same journey through the sandbox approval page; back on the shop the order moves live to confirmed', async () => {
    const shot = screenshots('paypal');
    const { context, page } = await newShopper(browser, platform.url);
    try {
      await signIn(page, SHOPPER);
      await shot(page, 'signed-in');
      const skus = await searchAndAddTwo(page, shot);
      const orderId = await checkout(page, 'PayPal', skus, shot);
      await expectReached(page, ['placed']);

      const pay = page.getByTestId('pay-paypal');
      await pay.waitFor({ timeout: ORDER_SETTLES_MS });
      await expectReached(page, ['placed', 'reserved', 'payment_requested']);
      await shot(page, 'awaiting-payment');

      // Off to PayPal (the local sandbox), approve, and back to the shop's return page.
      await pay.click();
      await page.waitForURL((url) => url.pathname === '/checkoutnow');
      await shot(page, 'paypal-approval');
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(
        (url) => url.pathname === `/orders/${orderId}` && url.origin === new URL(platform.url).origin,
      );
      await page.getByTestId('order-page').waitFor();
      // Back from PayPal: from here on the page must follow the order by itself.
      await markWindow(page);
      await shot(page, 'returned-from-paypal');

      await waitForStatus(page, 'confirmed');
      await expectReached(page, ['placed', 'reserved', 'payment_requested', 'paid', 'confirmed']);
      await shot(page, 'confirmed');
      expect(await windowStillMarked(page)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("a second shopper opening the first one's order URL sees “not found”", async () => {
    expect(stripeOrderUrl, 'the Stripe journey must have placed an order').toBeTruthy();
    const shot = screenshots('second-shopper');
    const { context, page } = await newShopper(browser, platform.url, { width: 375, height: 812 });
    try {
      await signIn(page, OTHER_SHOPPER);
      await page.goto(stripeOrderUrl);
      await page.getByTestId('order-not-found').waitFor();
      await poll(() => page.getByTestId('order-page').count()).toBe(0);
      await shot(page, 'order-not-found');
    } finally {
      await context.close();
    }
  });
});
