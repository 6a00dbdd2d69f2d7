/**
 * The browser side of the e2e tests: Debian's Chromium driven by playwright-core, one isolated context per
 * shopper (own cookies and localStorage, phone-width or desktop viewport), and numbered screenshots of each step
 * under storefront/e2e/screenshots/<journey>/ (kept out of git).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const SCREENSHOTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in a container: Chromium's sandbox needs user namespaces we may not have; /dev/shm may be small.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

export async function newShopper(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-IE', timezoneId: 'Europe/Berlin' });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** Numbered full-page screenshots for one journey: 01-signed-in.png, 02-search.png, … */
export function screenshots(journey: string): (page: Page, step: string) => Promise<string> {
  const dir = join(SCREENSHOTS_DIR, journey);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page, step) => {
    n += 1;
    const path = join(dir, `${String(n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
}
