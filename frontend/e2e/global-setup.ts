import { startPlatform } from "./platform";

/** Starts the platform once for the whole run (unless E2E_BASE_URL names one already running) and
 *  returns the teardown that stops it. The URL reaches the tests through the environment. */
export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.E2E_BASE_URL) return undefined;
  const platform = await startPlatform();
  process.env.E2E_BASE_URL = platform.url;
  return platform.stop;
}
