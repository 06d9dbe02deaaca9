// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core, loopback only,
// and the Medusa Store/Admin API for assertions. The stack comes from scripts/test.sh (env below).
import { chromium } from "playwright-core";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (run through scripts/test.sh)`);
  return value;
}

export const env = {
  spaUrl: required("SPA_URL"),
  backendUrl: required("BACKEND_URL"),
  publishableKey: required("PUBLISHABLE_KEY"),
  storeName: required("E2E_STORE_NAME"),
  adminEmail: required("E2E_ADMIN_EMAIL"),
  adminPassword: required("E2E_ADMIN_PASSWORD"),
};

const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium; Playwright gives every launch a fresh temporary --user-data-dir. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Lets the context reach loopback (and data:/blob: URLs) only: a test never touches the network. */
export async function loopbackOnly(context) {
  await context.route("**/*", (route) => {
    const { protocol, hostname } = new URL(route.request().url());
    if (protocol === "data:" || protocol === "blob:" || LOOPBACK.has(hostname)) return route.continue();
    return route.abort("blockedbyclient");
  });
}

/** A shopper's address, typed into the checkout's first step (the labels the checkout form shows). */
export async function fillAddress(page, shopper) {
  const fields = [
    ["Email", shopper.email],
    ["First name", shopper.firstName],
    ["Last name", shopper.lastName],
    ["Address", shopper.address],
    ["City", shopper.city],
    ["Postal code", shopper.postalCode],
  ];
  for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByLabel("Country", { exact: true }).selectOption("us");
}

/** A fresh context (own localStorage) that may only reach loopback. */
export async function newShopper(browser) {
  const context = await browser.newContext({ baseURL: env.spaUrl, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  await loopbackOnly(context);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  return { context, page, consoleErrors };
}

export async function storeApi(path) {
  const response = await fetch(`${env.backendUrl}${path}`, { headers: { "x-publishable-api-key": env.publishableKey } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function adminApi(path) {
  const login = await fetch(`${env.backendUrl}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
  });
  if (!login.ok) throw new Error(`admin login: ${login.status} ${await login.text()}`);
  const { token } = await login.json();
  const response = await fetch(`${env.backendUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Serves this context a config.json with `overrides` on top of the stack's own (runtime settings). */
export async function serveConfig(context, overrides) {
  const config = await (await fetch(`${env.spaUrl}/config.json`)).json();
  await context.route(`${env.spaUrl}/config.json`, (route) =>
    route.fulfill({ contentType: "application/json", headers: { "cache-control": "no-store" }, body: JSON.stringify({ ...config, ...overrides }) }),
  );
}
