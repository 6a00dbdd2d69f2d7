/**
 * Steps a shopper takes in the browser, shared by the journeys: dev sign-in, checkout, and the order page's live
 * timeline. Waits are conditions with ceilings (vitest's poll), never sleeps; the ceilings suit a busy two-core
 * machine and are not expectations.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Long enough for a saga round trip on a busy two-core machine; a ceiling, not an expectation. */
export const ORDER_SETTLES_MS = 90_000;
const JOURNEY_MARKER = 'journey-marker';

export type Shot = (page: Page, step: string) => Promise<string>;

/** Waits for a condition in the page (vitest's poll, with a ceiling that suits a browser). */
export const poll = <T>(fn: () => Promise<T> | T, timeout = 20_000) => expect.poll(fn, { timeout, interval: 100 });

/** Leaves a mark on the page's window: it survives client-side navigation and SSE updates, not a reload. */
export async function markWindow(page: Page): Promise<void> {
  await page.evaluate((key) => {
    (globalThis as Record<string, unknown>)[key] = true;
  }, JOURNEY_MARKER);
}

export async function windowStillMarked(page: Page): Promise<boolean> {
  return page.evaluate((key) => (globalThis as Record<string, unknown>)[key] === true, JOURNEY_MARKER);
}

/** Signs in as one of the dev signer's demo users and waits until the header names them. */
export async function signIn(page: Page, userId: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByTestId(`dev-login-${userId}`).click();
  await page.getByTestId('signed-in-user').waitFor();
}

/** From the cart's checkout link: the shipping address, the payment option, place; answers the new order's id. */
export async function placeOrder(page: Page, provider: 'Card (Stripe)' | 'PayPal', shot: Shot): Promise<string> {
  await page.getByTestId('checkout-link').click();
  await page.getByLabel('Full name').fill('Sam Shopper');
  await page.getByLabel('Street and number').fill('Torstraße 1');
  await page.getByLabel('Postal code').fill('10119');
  await page.getByLabel('City').fill('Berlin');
  await page.getByLabel('Country').selectOption('DE');
  await page.getByLabel(provider).check();
  await shot(page, 'checkout');
  await page.getByTestId('place-order').click();
  const orderPage = page.getByTestId('order-page');
  await orderPage.waitFor();
  const orderId = await orderPage.getAttribute('data-order-id');
  expect(orderId).toBeTruthy();
  expect(new URL(page.url()).pathname).toBe(`/orders/${orderId}`);
  await poll(() => page.getByTestId('cart-count').textContent()).toBe('0');
  return orderId!;
}

/** The timeline shows each of these steps as reached, with the time it was reached. */
export async function expectReached(page: Page, statuses: string[]): Promise<void> {
  for (const status of statuses) {
    const step = page.getByTestId(`timeline-step-${status}`);
    await poll(() => step.getAttribute('data-state'), ORDER_SETTLES_MS).toMatch(/^(done|current)$/);
    await poll(() => page.getByTestId(`timeline-time-${status}`).count()).toBe(1);
  }
}

export async function waitForStatus(page: Page, status: string, testId = 'order-page'): Promise<void> {
  await poll(() => page.getByTestId(testId).getAttribute('data-status'), ORDER_SETTLES_MS).toBe(status);
}

/** Pays a placed order with Stripe's test mode from its page and waits until it is confirmed. */
export async function payWithStripeTestMode(page: Page): Promise<void> {
  const pay = page.getByTestId('pay-test-mode');
  await pay.waitFor({ timeout: ORDER_SETTLES_MS });
  await pay.click();
  await waitForStatus(page, 'confirmed');
}

/** Pays a placed order through the PayPal sandbox's approval page and waits, back on the shop, until it is confirmed. */
export async function payWithPaypal(page: Page, shopUrl: string, orderId: string, shot: Shot): Promise<void> {
  const pay = page.getByTestId('pay-paypal');
  await pay.waitFor({ timeout: ORDER_SETTLES_MS });
  await pay.click();
  await page.waitForURL((url) => url.pathname === '/checkoutnow');
  await shot(page, 'paypal-approval');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((url) => url.pathname === `/orders/${orderId}` && url.origin === new URL(shopUrl).origin);
  await page.getByTestId('order-page').waitFor();
  await waitForStatus(page, 'confirmed');
}

/**
 * Reloads the page until `read` answers `expected`: for views that read a model which follows the event log, where
 * the page shows what the model held when it loaded (a command's follow-up refresh may come before the fold does).
 */
export async function reloadUntil<T>(page: Page, read: () => Promise<T>, expected: T): Promise<void> {
  await expect
    .poll(
      async () => {
        const now = await read();
        if (now !== expected) await page.reload({ waitUntil: 'load' });
        return now;
      },
      // Once a second at most: the gateway rate-limits, and the fold needs the time anyway.
      { timeout: ORDER_SETTLES_MS, interval: 1_000 },
    )
    .toBe(expected);
}
