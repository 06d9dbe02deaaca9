import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";

export const baseUrl = (): string => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set (the global setup starts the platform)");
  return url;
};

export const SCREENSHOTS = "test-results/screenshots";

export type User = { email: string; username: string; password: string };

/** The run's id (set by the global setup): names stay unique on a platform that outlives one run. */
export const runId = (): string => {
  const id = process.env.E2E_RUN_ID;
  if (!id) throw new Error("E2E_RUN_ID is not set (the global setup sets it)");
  return id;
};

/** The story's two accounts: its admin is the platform's first user; later specs sign in as them. */
export function storyUsers(): { admin: User; tenant: User } {
  const run = runId();
  return {
    admin: { email: `admin-${run}@example.com`, username: `admin${run}`, password: "admin-password-1" },
    tenant: { email: `tenant-${run}@example.com`, username: `tenant${run}`, password: "tenant-password-1" },
  };
}

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

/** Where signing in or registering leads: the overview, at the root. */
const LANDING = /^http:\/\/127\.0\.0\.1:\d+\/$/;

export async function register(page: Page, user: User): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("User name").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(LANDING);
}

export async function signIn(page: Page, user: User): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-mail or user name").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(LANDING);
}

export type NewStore = {
  name: string;
  engine: "WooCommerce" | "MedusaJS";
  theme?: "Storefront" | "Astra";
  /** A catalogue template's title; the form's default (Classic) when left out. */
  template?: string;
  /** MedusaJS only. */
  displayName?: string;
};

export async function createStore(page: Page, store: NewStore): Promise<string> {
  await page.goto("/stores/new");
  await page.getByRole("radio", { name: new RegExp(store.engine) }).click();
  await page.getByLabel("Store name").fill(store.name);
  if (store.theme) await page.getByLabel("Theme").selectOption({ label: store.theme });
  if (store.template) await page.getByRole("radio", { name: store.template, exact: true }).click();
  if (store.displayName) await page.getByLabel("Display name").fill(store.displayName);
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

/** The store chart version this release ships (helm/ecommerce-store/Chart.yaml): a rollout to it needs
 *  no chart in the fleet repo yet (its first wave adds it), and new stores do not pin a version. */
export function packagedChartVersion(): string {
  const chart = readFileSync(resolve(import.meta.dirname, "..", "..", "helm", "ecommerce-store", "Chart.yaml"), "utf8");
  const version = /^version:\s*["']?([^"'\s]+)/m.exec(chart)?.[1];
  if (!version) throw new Error("helm/ecommerce-store/Chart.yaml names no version");
  return version;
}
