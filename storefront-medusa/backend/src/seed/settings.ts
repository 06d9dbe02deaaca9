// The seed's inputs, all from the environment (the setup Job's store.env, or the test script).
import fs from "node:fs";
import { readCatalogue, type Catalogue } from "./catalogue";

export interface SeedSettings {
  storeName: string;
  currency: string;
  countryCode: string;
  imageBaseUrl: string;
  admin: { email: string; password: string } | null;
  catalogue: Catalogue;
}

function adminPassword(env: NodeJS.ProcessEnv): string | null {
  if (env.MEDUSA_ADMIN_PASSWORD_FILE && fs.existsSync(env.MEDUSA_ADMIN_PASSWORD_FILE)) {
    return fs.readFileSync(env.MEDUSA_ADMIN_PASSWORD_FILE, "utf8").trim() || null;
  }
  return env.MEDUSA_ADMIN_PASSWORD || null;
}

export function readSeedSettings(env: NodeJS.ProcessEnv = process.env): SeedSettings {
  const storeName = (env.STORE_NAME || "").trim();
  if (!storeName) throw new Error("STORE_NAME must be set");
  // COUNTRY may be WooCommerce-style "US:CA": the part before the colon is the country.
  const countryCode = (env.COUNTRY || "US").split(":")[0]!.trim().toLowerCase();
  const storeUrl = (env.STORE_URL || "").replace(/\/+$/, "");
  // Seed images ship with the storefront (same origin as the store) under /images/: absolute when the
  // store URL is known, else a path the storefront resolves against its own origin.
  const imageBaseUrl = (env.SEED_IMAGE_BASE_URL || `${storeUrl}/images`).replace(/\/+$/, "");
  const email = (env.ADMIN_EMAIL || "").trim();
  const password = email ? adminPassword(env) : null;
  return {
    storeName,
    currency: (env.CURRENCY || "USD").trim().toLowerCase(),
    countryCode,
    imageBaseUrl,
    admin: email && password ? { email, password } : null,
    catalogue: readCatalogue(env),
  };
}
