import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectAccessible } from "./axe";
import {
  consoleErrors,
  createStore,
  newUserPage,
  register,
  runId,
  SCREENSHOTS,
  signIn,
  storyUsers,
  waitForStatus,
  type User,
} from "./helpers";

// The fleet log and the accounts screens, in order. Runs after the story (its admin is the platform's
// first user) or alone (`--project=accounts --no-deps`): then it registers that admin itself.
test.describe.configure({ mode: "serial" });

const run = runId();
const { admin } = storyUsers();
const member: User = { email: `member-${run}@example.com`, username: `member${run}`, password: "member-password-1" };
const NEW_PASSWORD = "member-password-2";
const storeName = `logged-${run}`;

let adminPage: Page;
let memberPage: Page;
let storeId = "";

/** The story's admin, registered here when this spec runs on a fresh platform on its own. */
async function ensureAdmin(request: APIRequestContext): Promise<void> {
  const answer = await request.post("/api/v1/auth/register", { data: admin });
  expect([201, 409]).toContain(answer.status());
}

function logRows(page: Page) {
  return page.getByRole("table", { name: "Fleet repo commits, newest first" }).getByRole("row");
}

test.beforeAll(async ({ browser }) => {
  adminPage = await newUserPage(browser);
  memberPage = await newUserPage(browser, { width: 360, height: 780 });
  await ensureAdmin(adminPage.request);
});

test.afterAll(async () => {
  await adminPage?.context().close();
  await memberPage?.context().close();
});

test("an admin's store gets a commit per change, and the fleet log shows them", async () => {
  await signIn(adminPage, admin);
  const path = await createStore(adminPage, { name: storeName, engine: "WooCommerce", theme: "Storefront" });
  storeId = path.split("/").at(-1) ?? "";
  await waitForStatus(adminPage, "Ready");
  await adminPage.getByLabel("Theme").selectOption("astra");
  await adminPage.getByRole("button", { name: "Save changes" }).click();
  await expect(adminPage.getByRole("list", { name: "Commits" }).getByRole("listitem")).toHaveCount(2);
  await waitForStatus(adminPage, "Ready");

  await adminPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Fleet log" }).click();
  await expect(adminPage.getByRole("heading", { level: 1, name: "Fleet log" })).toBeVisible();
  await expect(logRows(adminPage).filter({ hasText: storeId }).first()).toBeVisible();
  await expectAccessible(adminPage, "fleet log");
  await adminPage.screenshot({ path: `${SCREENSHOTS}/20-fleet-log.png`, fullPage: true });
});

test("the fleet log filters by store and action, and links each commit", async () => {
  await adminPage.getByLabel("Store id").fill(storeId);
  await adminPage.getByLabel("Action").selectOption("update");
  await adminPage.getByLabel("Made by").selectOption("platform");
  await adminPage.getByRole("button", { name: "Apply filters" }).click();
  await expect(adminPage).toHaveURL(new RegExp(`store=${storeId}`));
  const rows = logRows(adminPage);
  await expect(rows).toHaveCount(2); // the header and the one update
  const update = rows.nth(1);
  await expect(update).toContainText("theme storefront -> astra");
  await expect(update.getByRole("link", { name: storeId })).toHaveAttribute("href", `/stores/${storeId}`);
  await expect(update.getByRole("link", { name: /^[0-9a-f]{12}/ })).toHaveAttribute(
    "href",
    /^https:\/\/git\.example\.com\/fleet\/commit\/[0-9a-f]{40}$/,
  );
  await expectAccessible(adminPage, "fleet log, filtered");
  await adminPage.screenshot({ path: `${SCREENSHOTS}/21-fleet-log-filtered.png`, fullPage: true });
});

test("a commit is reverted from the fleet log, through its store's preview", async () => {
  await logRows(adminPage)
    .nth(1)
    .getByRole("button", { name: /^Revert / })
    .click();
  const dialog = adminPage.getByRole("dialog");
  const theme = dialog.getByRole("table", { name: "What changes" }).getByRole("row", { name: /theme/ });
  await expect(theme).toContainText("astra");
  await expect(theme).toContainText("storefront");
  await expectAccessible(adminPage, "fleet log, revert preview");
  await adminPage.screenshot({ path: `${SCREENSHOTS}/22-fleet-log-revert.png`, fullPage: true });
  await dialog.getByRole("button", { name: "Revert", exact: true }).click();
  await expect(dialog).toBeHidden();
  // The revert is a new commit of the store, once the writer has made it.
  await adminPage.getByLabel("Action").selectOption("rollback");
  await adminPage.getByRole("button", { name: "Apply filters" }).click();
  await expect(async () => {
    await adminPage.reload();
    await expect(logRows(adminPage).nth(1)).toContainText(`revert`, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await adminPage.goto(`/stores/${storeId}`);
  await expect(adminPage.getByRole("region", { name: "Overview" }).getByText(/storefront/)).toBeVisible();
});

test("a member changes their password, then signs in with the new one", async () => {
  await register(memberPage, member);
  await memberPage.getByRole("link", { name: /Your account/ }).click();
  await expect(memberPage.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expectAccessible(memberPage, "account");
  await memberPage.getByLabel("Current password").fill("not-my-password");
  await memberPage.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await memberPage.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
  await memberPage.getByRole("button", { name: "Change password" }).click();
  await expect(memberPage.getByText("The current password is wrong.")).toBeVisible();
  await expectAccessible(memberPage, "account, wrong current password");
  await memberPage.screenshot({ path: `${SCREENSHOTS}/23-change-password-error.png`, fullPage: true });
  await memberPage.getByLabel("Current password").fill(member.password);
  await memberPage.getByRole("button", { name: "Change password" }).click();
  await expect(memberPage.getByText("Password changed")).toBeVisible();
  await memberPage.screenshot({ path: `${SCREENSHOTS}/24-change-password-done.png`, fullPage: true });
  await memberPage.getByRole("button", { name: "Sign out" }).click();
  await memberPage.getByLabel("E-mail or user name").fill(member.username);
  await memberPage.getByLabel("Password").fill(member.password);
  await memberPage.getByRole("button", { name: "Sign in" }).click();
  await expect(memberPage.getByText("Wrong e-mail, user name or password")).toBeVisible();
  await signIn(memberPage, { ...member, password: NEW_PASSWORD });
});

test("an admin deactivates the member, whose open session ends at once", async () => {
  await adminPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(adminPage.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await adminPage.getByLabel("Role").selectOption("tenant");
  await expect(adminPage.getByRole("button", { name: `Deactivate ${admin.username}` })).toHaveCount(0);
  await expectAccessible(adminPage, "users");
  await adminPage.getByRole("button", { name: `Deactivate ${member.username}` }).click();
  const dialog = adminPage.getByRole("dialog", { name: `Deactivate ${member.username}?` });
  await expectAccessible(adminPage, "users, deactivation confirmation");
  await adminPage.screenshot({ path: `${SCREENSHOTS}/25-deactivate-confirm.png`, fullPage: true });
  await dialog.getByRole("button", { name: "Deactivate", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(adminPage.getByRole("button", { name: `Reactivate ${member.username}` })).toBeVisible();
  await adminPage.screenshot({ path: `${SCREENSHOTS}/26-users-deactivated.png`, fullPage: true });

  // The member's next request is refused (401): the dashboard ends the session and asks to sign in.
  await memberPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(memberPage).toHaveURL(/\/login/);
  await expect(memberPage.getByText("Your session has ended")).toBeVisible();
  await memberPage.screenshot({ path: `${SCREENSHOTS}/27-deactivated-session-ended.png`, fullPage: true });
});

test("reactivated, the member can sign in again", async () => {
  await adminPage.getByRole("button", { name: `Reactivate ${member.username}` }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Reactivate", exact: true }).click();
  await expect(adminPage.getByRole("button", { name: `Deactivate ${member.username}` })).toBeVisible();
  await signIn(memberPage, { ...member, password: NEW_PASSWORD });
});

test("no page logged a console error beyond the refusals the story expects", async () => {
  // 400: the wrong current password; 401: the wrong old password and the deactivated session.
  expect(consoleErrors(adminPage)).toEqual([]);
  expect(consoleErrors(memberPage).filter((text) => !/\b(400|401)\b/.test(text))).toEqual([]);
});
