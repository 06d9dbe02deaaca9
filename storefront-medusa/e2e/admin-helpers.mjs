// The store owner's side of the end-to-end tests: Medusa's admin dashboard, served by the backend at
// $BACKEND_URL/app, driven in Chromium the way the owner uses it.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { env, loopbackOnly } from "./helpers.mjs";

export const ADMIN_PATH = "/app";
export const ARTEFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test-results", "admin");

/** A fresh context on the backend's origin (own cookies) that may only reach loopback. */
export async function newOwner(browser) {
  const context = await browser.newContext({ baseURL: env.backendUrl, viewport: { width: 1440, height: 900 } });
  // The dashboard loads each page's code on first use; two busy cores make that slow.
  context.setDefaultTimeout(30_000);
  await loopbackOnly(context);
  const page = await context.newPage();
  // Uncaught exceptions only: the dashboard itself logs console errors (missing thumbnails, Radix
  // accessibility warnings) that say nothing about the store.
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

export async function screenshot(page, name) {
  await mkdir(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`), fullPage: true });
}

export async function signIn(page, { email = env.adminEmail, password = env.adminPassword } = {}) {
  await page.goto(ADMIN_PATH);
  await page.waitForURL(/\/app\/login/);
  await page.getByPlaceholder("Email").fill(email);
  await page.getByPlaceholder("Password").fill(password);
  await page.getByRole("button", { name: "Continue with Email" }).click();
}

/** The open focus modal or drawer. The product wizard mounts two copies of its modal; the last is on top. */
export const modal = (page) => page.locator("[role=dialog]").last();

/** A button in a modal: Radix hides each copy of the wizard from the accessibility tree. */
export const modalButton = (page, name) => modal(page).getByRole("button", { name, exact: true, includeHidden: true });

export const gridInput = (page, field) => modal(page).locator(`[data-field="${field}"]`);

/**
 * Types into a cell of the dashboard's spreadsheet-like grid (variants, prices): a click selects the
 * cell, typing replaces its value, Enter commits. Keys typed before the grid is ready are lost (and a
 * late load of the form resets it), so it tries again until the cell shows `shown` (prices have two
 * decimals).
 */
export async function fillGridCell(page, field, value, shown = value) {
  const cell = modal(page)
    .locator("[role=gridcell]")
    .filter({ has: page.locator(`[data-field="${field}"]`) });
  for (let attempt = 1; ; attempt++) {
    await cell.click();
    await page.keyboard.type(value, { delay: 50 });
    await page.keyboard.press("Enter");
    const current = await gridInput(page, field).inputValue();
    if (current === shown) return;
    if (attempt === 3) throw new Error(`grid cell ${field} shows "${current}", not "${shown}"`);
  }
}

/** Opens the action menu of the section titled `heading` (the one that offers `item`) and picks `item`. */
export async function sectionAction(page, heading, item) {
  const title = page.getByRole("heading", { name: heading, exact: true });
  await title.waitFor();
  const header = page
    .locator("div")
    .filter({ has: title })
    .filter({ has: page.locator("button[aria-haspopup=menu]") })
    .last();
  const menus = header.locator("button[aria-haspopup=menu]");
  // On a busy machine the section's menus render after its title, and a menu's items after the
  // menu opens: look through them a few times, waiting longer each round.
  for (let round = 1; round <= 3; round++) {
    await menus.first().waitFor();
    for (let i = (await menus.count()) - 1; i >= 0; i--) {
      await menus.nth(i).click();
      const menu = page.getByRole("menu");
      await menu.waitFor();
      const entry = menu.getByRole("menuitem", { name: item, exact: true });
      const offered = await entry.waitFor({ timeout: 2_000 * round }).then(
        () => true,
        () => false,
      );
      if (offered) return entry.click();
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "detached" });
    }
  }
  throw new Error(`no "${item}" in the menus of "${heading}"`);
}

/** The Admin API, for assertions and for putting the catalogue back when a test failed half-way. */
export async function adminToken() {
  const response = await fetch(`${env.backendUrl}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
  });
  if (!response.ok) throw new Error(`admin login: ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

export async function deleteProductsByHandle(handle) {
  const headers = { authorization: `Bearer ${await adminToken()}` };
  const found = await fetch(`${env.backendUrl}/admin/products?handle=${handle}&fields=id`, { headers });
  for (const { id } of (await found.json()).products ?? []) {
    await fetch(`${env.backendUrl}/admin/products/${id}`, { method: "DELETE", headers });
  }
}
