import { mkdirSync, writeFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export const AXE_RESULTS = "test-results/a11y";
const BLOCKING = new Set(["serious", "critical"]);

type Finding = { rule: string; impact: string | null; help: string; targets: string[] };

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Runs axe-core (every rule it enables by default: WCAG 2.x A and AA, best practices) over the page
 *  as it is now. Serious and critical violations fail the test; every finding is written to
 *  test-results/a11y/<name>.json, so the minor ones can be read too. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const findings: Finding[] = results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact ?? null,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
  mkdirSync(AXE_RESULTS, { recursive: true });
  writeFileSync(
    `${AXE_RESULTS}/${slug(name)}.json`,
    JSON.stringify(
      {
        name,
        url: page.url(),
        passes: results.passes.length,
        violations: findings,
        // What axe could not decide alone (text over a gradient, say): for a person to look at.
        needsReview: results.incomplete.map((item) => item.id),
      },
      null,
      2,
    ),
  );
  const blocking = findings.filter((finding) => BLOCKING.has(finding.impact ?? ""));
  expect(blocking, `${name}: serious or critical accessibility violations`).toEqual([]);
}
