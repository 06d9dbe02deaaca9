// The per-store runtime config, served as /config.json by the container (written from env at start).
// One build serves every store, so nothing here is known at build time.

export interface BrandColours {
  primary: string;
  accent: string;
}

export interface RuntimeConfig {
  storeName: string;
  backendUrl: string;
  publishableKey: string;
  brand: BrandColours;
  logoUrl: string | null;
  /** The promo bar's text; null: the storefront's default. */
  promoText: string | null;
  /** Where the newsletter form POSTs `{ email }`; null: no newsletter form (Medusa has no such service). */
  newsletterUrl: string | null;
}

export type ConfigResult = { ok: true; config: RuntimeConfig } | { ok: false; errors: string[] };

const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
export const DEFAULT_BRAND: BrandColours = { primary: "#111827", accent: "#f59e0b" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function readColour(brand: Record<string, unknown>, name: keyof BrandColours, errors: string[]): string {
  const value = brand[name];
  if (value === undefined || value === "") return DEFAULT_BRAND[name];
  if (typeof value !== "string" || !HEX_COLOUR.test(value)) {
    errors.push(`brand.${name} must be a hex colour such as #112233`);
    return DEFAULT_BRAND[name];
  }
  return value;
}

/** An optional URL that may live on the storefront's own origin ("/logo.svg") or anywhere over http(s). */
function readUrl(value: unknown, name: string, errors: string[]): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "string" && (value.startsWith("/") || isHttpUrl(value))) return value;
  errors.push(`${name} must be an http(s) URL or a path starting with /`);
  return null;
}

const PROMO_MAX = 200;

function readPromoText(value: unknown, errors: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.trim().length > PROMO_MAX) {
    errors.push(`promoText must be text of at most ${PROMO_MAX} characters`);
    return null;
  }
  return value.trim() || null;
}

/** Checks the shape of /config.json and fills the optional parts. */
export function parseRuntimeConfig(raw: unknown): ConfigResult {
  if (!isRecord(raw)) return { ok: false, errors: ["config.json must be a JSON object"] };
  const errors: string[] = [];

  const storeName = typeof raw.storeName === "string" ? raw.storeName.trim() : "";
  if (!storeName) errors.push("storeName is required");

  const backendUrl = typeof raw.backendUrl === "string" ? raw.backendUrl.trim().replace(/\/+$/, "") : "";
  if (!isHttpUrl(backendUrl)) errors.push("backendUrl must be an http(s) URL");

  const publishableKey = typeof raw.publishableKey === "string" ? raw.publishableKey.trim() : "";
  if (!publishableKey) errors.push("publishableKey is missing (the store may still be being set up)");
  else if (!publishableKey.startsWith("pk_")) errors.push("publishableKey must start with pk_");

  const brand = isRecord(raw.brand) ? raw.brand : {};
  const colours = { primary: readColour(brand, "primary", errors), accent: readColour(brand, "accent", errors) };
  const logoUrl = readUrl(raw.logoUrl, "logoUrl", errors);
  const promoText = readPromoText(raw.promoText, errors);
  const newsletterUrl = readUrl(raw.newsletterUrl, "newsletterUrl", errors);

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: { storeName, backendUrl, publishableKey, brand: colours, logoUrl, promoText, newsletterUrl } };
}

async function fetchText(url: string): Promise<string | null> {
  try {
    const response = await fetch(url, { cache: "no-store" });
    return response.ok ? (await response.text()).trim() : null;
  } catch {
    return null;
  }
}

/**
 * The key may arrive after the container started (the platform writes it once the store's setup has
 * run): then config.json names `publishableKeyUrl`, a file on this origin that the cluster fills in
 * place, and the key is read from there on each page load instead of waiting for a restart.
 */
async function withLateKey(raw: unknown): Promise<unknown> {
  if (!isRecord(raw) || (typeof raw.publishableKey === "string" && raw.publishableKey.trim())) return raw;
  const keyUrl = raw.publishableKeyUrl;
  if (typeof keyUrl !== "string" || !keyUrl.startsWith("/")) return raw;
  const key = await fetchText(keyUrl);
  return key ? { ...raw, publishableKey: key } : raw;
}

export async function loadRuntimeConfig(url = "/config.json"): Promise<ConfigResult> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch {
    return { ok: false, errors: [`${url} could not be fetched`] };
  }
  if (!response.ok) return { ok: false, errors: [`${url} answered ${response.status}`] };
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    return { ok: false, errors: [`${url} is not valid JSON`] };
  }
  return parseRuntimeConfig(await withLateKey(raw));
}
