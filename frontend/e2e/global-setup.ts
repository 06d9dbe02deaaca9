import { startPlatform } from "./platform";

/** Starts the platform once for the whole run (unless E2E_BASE_URL names one already running) and
 *  returns the teardown that stops it. The URL and the run id reach the tests through the environment. */
export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  // One id per run, shared by every spec (the accessibility pass signs in as the story's admin).
  process.env.E2E_RUN_ID ??= Date.now().toString(36).slice(-5);
  if (process.env.E2E_BASE_URL) return undefined;
  const platform = await startPlatform();
  process.env.E2E_BASE_URL = platform.url;
  return platform.stop;
}
