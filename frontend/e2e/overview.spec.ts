import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectAccessible } from "./axe";
import { baseUrl, consoleErrors, newUserPage, runId, SCREENSHOTS, signIn, storyUsers, type User } from "./helpers";

// The landing page with data, and the status bar, on the simulated platform. After the story (its
// accounts and stores), or alone (`--project=overview --no-deps`): the accounts are then registered
// here, the admin first.
test.describe.configure({ mode: "serial" });

const run = runId();
const { admin, tenant } = storyUsers();
const storeName = `overview-${run}`;

type Stats = {
  counts: { total: number; by_status: { key: string; stores: number }[] };
  provisioning: { count: number };
  stores_over_time: { stores: number }[];
};

/** A token for `user`, registering the account when the platform does not know it yet. */
async function tokenOf(request: APIRequestContext, user: User): Promise<string> {
  const login = await request.post("/api/v1/auth/login", {
    data: { username: user.username, password: user.password },
  });
  if (login.ok()) return ((await login.json()) as { token: string }).token;
  const registered = await request.post("/api/v1/auth/register", { data: user });
  expect(registered.status(), await registered.text()).toBe(201);
  return ((await registered.json()) as { token: string }).token;
}

async function statsOf(request: APIRequestContext, token: string): Promise<Stats> {
  const response = await request.get("/api/v1/fleet/stats?range=24h", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.ok()).toBe(true);
  return (await response.json()) as Stats;
}

/** The number on the card named `title` in the group `group`. */
function card(page: Page, group: string, title: string) {
  return page
    .getByRole("region", { name: group })
    .getByRole("listitem")
    .filter({ has: page.getByText(title, { exact: true }) })
    .locator("span")
    .first();
}

let adminToken = "";
let tenantToken = "";

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: baseUrl() });
  adminToken = await tokenOf(request, admin);
  tenantToken = await tokenOf(request, tenant);
  // A store of the tenant's, ready on the simulated cluster: the charts then have a creation, a commit
  // and a ready to show.
  const headers = { Authorization: `Bearer ${tenantToken}` };
  const created = await request.post("/api/v1/stores", { headers, data: { name: storeName, engine: "woocommerce" } });
  expect(created.status(), await created.text()).toBe(202);
  const { id } = (await created.json()) as { id: string };
  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/v1/stores/${id}`, { headers })).json()) as { status: string }).status,
      {
        timeout: 90_000,
      },
    )
    .toBe("ready");
  await request.dispose();
});

test("the admin's overview: cards and charts with the API's numbers", async ({ browser }) => {
  const page = await newUserPage(browser);
  await signIn(page, admin);
  await expect(page.getByRole("heading", { level: 1, name: "Fleet overview" })).toBeVisible();
  const stats = await statsOf(page.request, adminToken);
  await expect(card(page, "Stores by status", "All stores")).toHaveText(String(stats.counts.total));
  for (const status of stats.counts.by_status) {
    const title = status.key.charAt(0).toUpperCase() + status.key.slice(1).replaceAll("_", " ");
    await expect(card(page, "Stores by status", title)).toHaveText(String(status.stores));
  }
  // Every non-empty chart is drawn (a canvas); the provisioning chart counts the stores the API does.
  const storesChart = page.getByRole("figure", { name: "Stores over time" });
  await expect(storesChart.locator("canvas")).toBeVisible();
  const provisioning = page.getByRole("figure", { name: "Provisioning duration" });
  await expect(provisioning.getByText(`over ${stats.provisioning.count} stores`)).toBeVisible();
  await expect(provisioning.locator("canvas")).toBeVisible();
  await storesChart.getByRole("button", { name: /Show data as table/ }).click();
  const lastRow = storesChart.getByRole("row").last();
  await expect(lastRow.getByRole("cell").first()).toHaveText(String(stats.stores_over_time.at(-1)?.stores));
  await page.screenshot({ path: `${SCREENSHOTS}/30-overview-admin.png`, fullPage: true });
  await expectAccessible(page, "overview (admin, a table shown)");
  expect(consoleErrors(page)).toEqual([]);
  await page.context().close();
});

test("a tenant's overview and status bar: their stores, no internals", async ({ browser }) => {
  const page = await newUserPage(browser, { width: 360, height: 780 });
  await signIn(page, tenant);
  await expect(page.getByRole("heading", { level: 1, name: "Your stores" })).toBeVisible();
  const stats = await statsOf(page.request, tenantToken);
  await expect(card(page, "Stores by status", "All stores")).toHaveText(String(stats.counts.total));
  const status = page.getByRole("region", { name: "Platform status" });
  await expect(status).toContainText(/All systems normal|Degraded: store changes may be slow/);
  await expect(status).toContainText("Simulated cluster");
  await expect(status).not.toContainText(/database|watcher|fleet:/);
  await expect(status.getByRole("link")).toHaveCount(0);
  // The charts' chunk is this context's first: wait for it before the screenshot and axe.
  await expect(page.getByRole("figure", { name: "Stores over time" }).locator("canvas")).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/31-overview-tenant-360px.png`, fullPage: true });
  await expectAccessible(page, "overview (tenant, 360 px)");
  expect(consoleErrors(page)).toEqual([]);
  await page.context().close();
});
