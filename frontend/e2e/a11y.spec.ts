import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { expectAccessible } from "./axe";
import {
  consoleErrors,
  createStore,
  newUserPage,
  packagedChartVersion,
  register,
  runId,
  signIn,
  storyUsers,
  waitForStatus,
} from "./helpers";

// Every page of the dashboard, in each state a person meets it in, checked with axe-core after the
// story (playwright.config.ts runs it first: its admin is the platform's first user). The dashboard
// has one colour theme (light), so each page is checked once.
test.describe.configure({ mode: "serial" });

const run = runId();
const { admin } = storyUsers();
const newcomer = { email: `newcomer-${run}@example.com`, username: `newcomer${run}`, password: "newcomer-password-1" };

let page: Page;

/** Waits until nothing on the page is still loading (skeletons, busy lists). */
async function settled(target: Page): Promise<void> {
  await expect(target.locator("[data-skeleton], [aria-busy='true']")).toHaveCount(0);
}

async function check(target: Page, name: string): Promise<void> {
  await settled(target);
  await expectAccessible(target, name);
}

/** Presses Tab until `target` has the focus; the keyboard is the only input used. */
async function tabTo(target: Page, control: Locator, maxPresses = 40): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    if (await control.evaluate((element) => element === document.activeElement)) return;
    await target.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${control}`);
}

/** An arrow key in a Radix radio group, held until the focus has moved to `next`: the group checks the
 * item it moves the focus to only while the key is down, and moves it in a timeout after the keydown,
 * which on a busy machine may come after an instant key's keyup (focus moved, nothing checked). */
async function arrowTo(target: Page, key: "ArrowLeft" | "ArrowRight", next: Locator): Promise<void> {
  await target.keyboard.down(key);
  await expect(next).toBeFocused();
  await target.keyboard.up(key);
}

/** A second account, on a phone-sized screen (360 px), so the narrow layout is checked too. */
async function withNewcomer(browser: Browser, steps: (newPage: Page) => Promise<void>): Promise<void> {
  const newPage = await newUserPage(browser, { width: 360, height: 780 });
  try {
    await steps(newPage);
  } finally {
    await newPage.context().close();
  }
}

test.beforeAll(async ({ browser }) => {
  page = await newUserPage(browser);
});

test.afterAll(async () => {
  await page?.context().close();
});

test("sign-in and registration, blank and with errors", async () => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await check(page, "sign-in");
  await page.getByLabel("E-mail or user name").fill(`nobody-${run}`);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong e-mail, user name or password" })).toBeVisible();
  await check(page, "sign-in, wrong password");

  await page.goto("/register");
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await check(page, "register");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("E-mail")).toHaveAttribute("aria-invalid", "true");
  await check(page, "register, invalid");
});

test("a new tenant's empty store list and an admin-only page", async ({ browser }) => {
  await withNewcomer(browser, async (newPage) => {
    await register(newPage, newcomer);
    await newPage.goto("/stores");
    await expect(newPage.getByRole("heading", { name: "Create your first store" })).toBeVisible();
    await check(newPage, "stores, empty (360 px)");
    await newPage.goto("/admin/health");
    await expect(newPage.getByText("This page is for platform administrators only.")).toBeVisible();
    await check(newPage, "admin page as a tenant (360 px)");
  });
});

test("the store list, with stores and with none matching", async () => {
  await signIn(page, admin);
  await page.goto("/stores");
  await expect(page.getByRole("link", { name: `medusa-${run}` })).toBeVisible();
  await check(page, "stores");
  await page.getByLabel("Search by name").fill("no-such-store");
  await expect(page.getByText("No store matches these filters.")).toBeVisible();
  await check(page, "stores, none matching");
});

test("the create form, per engine and with an invalid name", async () => {
  await page.goto("/stores/new");
  await expect(page.getByRole("heading", { name: "Create a store" })).toBeVisible();
  await check(page, "create store");
  await page.getByLabel("Store name").fill("My_Shop");
  await expect(page.getByText("Must be lowercase.")).toBeVisible();
  await check(page, "create store, invalid name");
  await page.getByRole("radio", { name: /MedusaJS/ }).click();
  await expect(page.getByLabel("Theme")).toHaveCount(0);
  await expect(page.getByRole("group", { name: "Branding" })).toBeVisible();
  await check(page, "create store, MedusaJS");
  await page.getByLabel("Primary colour", { exact: true }).fill("blue");
  await page.getByLabel("Logo URL").fill("ftp://example.com/logo.png");
  await page.getByLabel("Logo URL").blur();
  await page.getByLabel("Primary colour", { exact: true }).focus();
  await page.getByLabel("Primary colour", { exact: true }).blur();
  await expect(page.getByText("Use a colour of the form #rrggbb, such as #1d4ed8.")).toBeVisible();
  await check(page, "create store, invalid branding");
});

test("a store's page through its life: new, ready, rollback, credentials, deletion", async () => {
  const name = `a11y-${run}`;
  await createStore(page, { name, engine: "WooCommerce" });
  await check(page, "store detail, new");
  await waitForStatus(page, "Ready");
  await check(page, "store detail, ready");

  await page.getByLabel("Theme").selectOption("astra");
  await page.getByRole("button", { name: "Save changes" }).click();
  const commits = page.getByRole("list", { name: "Commits" }).getByRole("listitem");
  await expect(commits).toHaveCount(2);
  await commits.nth(1).getByRole("button", { name: "Roll back to this commit" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("table", { name: "What changes" })).toBeVisible();
  await check(page, "rollback dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  await page.getByRole("button", { name: "Reveal credentials" }).click();
  await expect(dialog).toBeVisible();
  await check(page, "reveal credentials dialog");
  await dialog.getByRole("button", { name: "Reveal" }).click();
  await expect(page.getByRole("button", { name: "Hide credentials" })).toBeVisible();
  await check(page, "store detail, credentials shown");
  await page.getByRole("button", { name: "Hide credentials" }).click();

  await page.getByRole("button", { name: "Delete store" }).click();
  await dialog.getByLabel(`Type ${name} to confirm`).fill(name);
  await check(page, "delete dialog");
  await dialog.getByRole("button", { name: "Delete this store" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("region", { name: "Overview" }).getByText(/^(Deleting|Deleted)$/)).toBeVisible();
  await check(page, "store detail, deleting");
});

test("a MedusaJS store's page", async () => {
  await page.goto("/stores");
  await page.getByRole("link", { name: `medusa-${run}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `medusa-${run}` })).toBeVisible();
  await waitForStatus(page, "Ready");
  await check(page, "store detail, MedusaJS");
});

test("the audit log, the platform health and the pages that do not exist", async () => {
  await page.goto("/audit");
  await expect(page.getByRole("list", { name: "Audit events" })).toBeVisible();
  await check(page, "audit log");
  await page.goto("/admin/health");
  await expect(page.getByRole("heading", { name: "Database" })).toBeVisible();
  await check(page, "platform health");
  await page.goto("/no-such-page");
  await expect(page.getByText("This page does not exist.")).toBeVisible();
  await check(page, "not found");
  await page.goto("/stores/st-zzzzzzzzzz");
  await expect(page.getByText("Store not found")).toBeVisible();
  await check(page, "store not found");
});

test("rollouts: the list, the new-rollout form with its errors and preview, a rollout's page", async () => {
  // The story rolled the chart out to its WooCommerce store (then deleted it); the MedusaJS store is
  // still there to preview a rollout for.
  await page.goto("/rollouts");
  const list = page.getByRole("list", { name: "Rollouts" });
  await expect(list.getByRole("listitem")).not.toHaveCount(0);
  await check(page, "rollouts");
  await page.getByRole("button", { name: "New rollout" }).click();
  const form = page.getByRole("form", { name: "New rollout" });
  await check(page, "new rollout");
  await form.getByRole("button", { name: "Preview (dry run)" }).click();
  await expect(form.getByText("Enter the chart version to roll out.")).toBeVisible();
  await check(page, "new rollout, invalid");
  await form.getByLabel("Version", { exact: true }).fill("99.0.0");
  await form.getByRole("checkbox", { name: "MedusaJS" }).check();
  await form.getByRole("button", { name: "Preview (dry run)" }).click();
  await expect(form.getByLabel("Version", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await check(page, "new rollout, refused by the API");
  await form.getByLabel("Version", { exact: true }).fill(packagedChartVersion());
  await form.getByRole("button", { name: "Preview (dry run)" }).click();
  await expect(form.getByRole("region", { name: /^Preview: / })).toBeVisible();
  await check(page, "new rollout, preview");

  await page.goto("/rollouts");
  await list.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1, name: /^Rollout: / })).toBeVisible();
  await page
    .getByRole("region", { name: "Wave 1" })
    .getByRole("button", { name: /Stores/ })
    .click();
  await check(page, "rollout detail, stores shown");
  await page.goto("/rollouts/ro-zzzzzzzzzz");
  await expect(page.getByRole("heading", { name: "Rollout not found" })).toBeVisible();
  await check(page, "rollout not found");
});

test("usage: the report per tenant, then per plan", async () => {
  await page.goto("/usage");
  await expect(page.getByLabel("Totals")).toBeVisible();
  await check(page, "usage per tenant");
  await page.getByRole("radio", { name: "Plan" }).click();
  await expect(page).toHaveURL(/group_by=plan/);
  await expect(page.getByRole("radio", { name: "Plan" })).toBeChecked();
  await check(page, "usage per plan");
});

test("drift: the cluster against git, or the platform's word that it has no cluster", async () => {
  await page.goto("/drift");
  // The simulated platform may run without a cluster: the page then says so instead of comparing.
  const compared = page.getByLabel("Drift counts");
  await expect(compared.or(page.getByText("No cluster is configured", { exact: true }))).toBeVisible();
  await check(page, (await compared.isVisible()) ? "drift" : "drift, no cluster");
});

test("a store can be created with the keyboard alone", async () => {
  const name = `keys-${run}`;
  await page.goto("/stores/new");
  await expect(page.getByRole("heading", { name: "Create a store" })).toBeVisible();
  // The engine cards are a radio group: Tab reaches the checked one, arrows move the choice.
  await tabTo(page, page.getByRole("radio", { name: /WooCommerce/ }));
  await arrowTo(page, "ArrowRight", page.getByRole("radio", { name: /MedusaJS/ }));
  await expect(page.getByRole("radio", { name: /MedusaJS/ })).toBeChecked();
  await arrowTo(page, "ArrowLeft", page.getByRole("radio", { name: /WooCommerce/ }));
  await expect(page.getByRole("radio", { name: /WooCommerce/ })).toBeChecked();
  await tabTo(page, page.getByLabel("Store name"));
  await page.keyboard.type(name);
  await tabTo(page, page.getByLabel("Theme"));
  await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("Theme")).toHaveValue("astra");
  await tabTo(page, page.getByLabel("Plan"));
  await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("Plan")).toHaveValue("medium");
  // The templates are a radio group too: Tab reaches the default, an arrow picks the next one.
  await tabTo(page, page.getByRole("radio", { name: "Classic", exact: true }));
  await arrowTo(page, "ArrowRight", page.getByRole("radio", { name: "Minimal", exact: true }));
  await expect(page.getByRole("radio", { name: "Minimal", exact: true })).toBeChecked();
  await tabTo(page, page.getByRole("button", { name: "Create store" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/stores\/st-/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const overview = page.getByRole("region", { name: "Overview" });
  await expect(overview.getByText(/astra · medium/)).toBeVisible();
  await expect(overview.getByText("Minimal", { exact: true })).toBeVisible();
});

test("no page logged a console error", async () => {
  // The wrong password (401), the unknown store and rollout (404) and the rollout of an unknown chart
  // version (422) are refused by design; the browser logs those failed requests as console errors.
  expect(consoleErrors(page).filter((text) => !/\b(401|404|422)\b/.test(text))).toEqual([]);
});
