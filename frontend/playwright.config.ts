import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. Playwright gives each launch a fresh temporary
// profile (user-data dir), so no state leaks from one run into the next.
const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/playwright",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [["list"]],
  use: {
    headless: true,
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    trace: "off",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
  },
  // The story registers the platform's first user (its admin), so it runs first; the accessibility
  // pass then signs in as that admin and walks every page.
  projects: [
    { name: "story", testMatch: "dashboard.spec.ts" },
    { name: "a11y", testMatch: "a11y.spec.ts", dependencies: ["story"] },
    // The fleet log and the accounts screens; alone: `--project=accounts --no-deps`.
    { name: "accounts", testMatch: "accounts.spec.ts", dependencies: ["story"] },
    // The overview with data and the status bar; alone with `--project=overview --no-deps`.
    { name: "overview", testMatch: "overview.spec.ts", dependencies: ["story"] },
  ],
});
