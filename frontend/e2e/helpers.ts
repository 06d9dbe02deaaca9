import { expect, type Browser, type Page } from "@playwright/test";

export const baseUrl = (): string => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set (the global setup starts the platform)");
  return url;
};

export const SCREENSHOTS = "test-results/screenshots";

/** A page in its own browser context (own cookies and storage) that fails the test on console errors. */
export async function newUserPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl(), viewport });
  // Only loopback: the tests must never reach anything else.
  await context.route(/^(?!http:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  (page as Page & { consoleErrors: string[] }).consoleErrors = errors;
  return page;
}

export function consoleErrors(page: Page): string[] {
  return (page as Page & { consoleErrors?: string[] }).consoleErrors ?? [];
}

export async function register(page: Page, user: { email: string; username: string; password: string }): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("User name").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/stores$/);
}

export async function createStore(
  page: Page,
  store: { name: string; engine: "WooCommerce" | "MedusaJS"; theme?: "Storefront" | "Astra" },
): Promise<string> {
  await page.goto("/stores/new");
  await page.getByRole("radio", { name: new RegExp(store.engine) }).click();
  await page.getByLabel("Store name").fill(store.name);
  if (store.theme) await page.getByLabel("Theme").selectOption({ label: store.theme });
  await page.getByRole("button", { name: "Create store" }).click();
  await expect(page).toHaveURL(/\/stores\/st-/);
  await expect(page.getByRole("heading", { level: 1, name: store.name })).toBeVisible();
  return new URL(page.url()).pathname;
}

export async function waitForStatus(
  page: Page,
  label: "Ready" | "Deleting" | "Deleted",
  timeout = 60_000,
): Promise<void> {
  await expect(page.getByRole("region", { name: "Overview" }).getByText(label, { exact: true })).toBeVisible({
    timeout,
  });
}
