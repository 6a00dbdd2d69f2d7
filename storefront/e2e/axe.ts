/**
 * Accessibility checks in the same browser run: axe-core (evaluated in the page from the npm package, no CDN) runs
 * over the page as it stands and we keep the violations of impact serious or critical — the ones that stop someone
 * from using the page (no name on a control, unreadable contrast, a form field nobody can label). Each is reported
 * with its rule id, the selectors of the offending elements and the rule's help page, so a failure says what to fix.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface A11yViolation {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  /** CSS selectors of the offending elements (axe's targets, iframes joined with " >>> "). */
  targets: string[];
}

const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe-core over the page and answers its serious and critical violations. */
export async function blockingViolations(page: Page): Promise<A11yViolation[]> {
  // Evaluated rather than added as a <script>: the shop's Content-Security-Policy (rightly) refuses inline scripts,
  // and the check must run against the page as shoppers get it, CSP included.
  const injected = await page.evaluate(() => 'axe' in globalThis);
  if (!injected) await page.evaluate(axe.source);
  const all = await page.evaluate(async () => {
    const engine = (globalThis as unknown as { axe: typeof import('axe-core') }).axe;
    const results = await engine.run({ resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' ')),
    }));
  });
  return all.filter((v) => BLOCKING.has(v.impact));
}

/** One line per violation: what rule, how bad, where, and where to read how to fix it. */
export function describeViolations(pageName: string, violations: readonly A11yViolation[]): string {
  if (violations.length === 0) return `${pageName}: no serious or critical accessibility violation`;
  return [
    `${pageName}: ${violations.length} serious or critical accessibility violation(s)`,
    ...violations.map((v) => `  [${v.impact}] ${v.rule}: ${v.help} — ${v.targets.join(', ')} (${v.helpUrl})`),
  ].join('\n');
}
