import { afterEach, describe, expect, it, vi } from "vitest";
import { loadRuntimeConfig, parseRuntimeConfig } from "./runtimeConfig";

const valid = {
  storeName: "Acme Outfitters",
  backendUrl: "https://acme.example.com/",
  publishableKey: "pk_123",
  brand: { primary: "#112233", accent: "#abc" },
  logoUrl: "https://cdn.example.com/logo.svg",
};

describe("parseRuntimeConfig", () => {
  it("accepts a full config and trims the backend URL", () => {
    const result = parseRuntimeConfig(valid);
    expect(result).toEqual({
      ok: true,
      config: {
        ...valid,
        backendUrl: "https://acme.example.com",
        brand: { primary: "#112233", accent: "#abc" },
        promoText: null,
        newsletterUrl: null,
      },
    });
  });

  it("reads the promo text and the newsletter endpoint", () => {
    const result = parseRuntimeConfig({ ...valid, promoText: "  Free shipping over $50 ", newsletterUrl: "https://lists.example.com/join" });
    expect(result.ok && result.config.promoText).toBe("Free shipping over $50");
    expect(result.ok && result.config.newsletterUrl).toBe("https://lists.example.com/join");
    const blank = parseRuntimeConfig({ ...valid, promoText: " ", newsletterUrl: "" });
    expect(blank.ok && [blank.config.promoText, blank.config.newsletterUrl]).toEqual([null, null]);
  });

  it("fills default brand colours and no logo", () => {
    const result = parseRuntimeConfig({ storeName: "A", backendUrl: "http://127.0.0.1:9000", publishableKey: "pk_1" });
    expect(result.ok && result.config.brand).toEqual({ primary: "#111827", accent: "#f59e0b" });
    expect(result.ok && result.config.logoUrl).toBeNull();
  });

  it("accepts a logo on the storefront's own origin", () => {
    const result = parseRuntimeConfig({ ...valid, logoUrl: "/logo.svg" });
    expect(result.ok && result.config.logoUrl).toBe("/logo.svg");
  });

  it("lists every problem", () => {
    const result = parseRuntimeConfig({
      storeName: " ",
      backendUrl: "ftp://x",
      publishableKey: "sk_1",
      brand: { primary: "red" },
      logoUrl: "javascript:alert(1)",
      promoText: "x".repeat(201),
      newsletterUrl: "mailto:news@example.com",
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      "storeName is required",
      "backendUrl must be an http(s) URL",
      "publishableKey must start with pk_",
      "brand.primary must be a hex colour such as #112233",
      "logoUrl must be an http(s) URL or a path starting with /",
      "promoText must be text of at most 200 characters",
      "newsletterUrl must be an http(s) URL or a path starting with /",
    ]);
  });

  it("explains a missing key", () => {
    const result = parseRuntimeConfig({ ...valid, publishableKey: "" });
    expect(!result.ok && result.errors).toEqual(["publishableKey is missing (the store may still be being set up)"]);
  });

  it("rejects what is not an object", () => {
    expect(parseRuntimeConfig(null)).toEqual({ ok: false, errors: ["config.json must be a JSON object"] });
    expect(parseRuntimeConfig([1])).toEqual({ ok: false, errors: ["config.json must be a JSON object"] });
  });
});

describe("loadRuntimeConfig", () => {
  const base = { storeName: "Acme", backendUrl: "https://api.acme.test", brand: {} };

  function serve(files: Record<string, { status: number; body: string }>) {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        const file = files[url] ?? { status: 404, body: "" };
        return new Response(file.body, { status: file.status });
      }),
    );
  }

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("reads a key that arrived after start from publishableKeyUrl", async () => {
    serve({
      "/config.json": { status: 200, body: JSON.stringify({ ...base, publishableKey: "", publishableKeyUrl: "/publishable-key" }) },
      "/publishable-key": { status: 200, body: "pk_late123\n" },
    });
    const result = await loadRuntimeConfig();
    expect(result.ok && result.config.publishableKey).toBe("pk_late123");
  });

  it("still says the store is being set up while the key file is absent", async () => {
    serve({
      "/config.json": { status: 200, body: JSON.stringify({ ...base, publishableKeyUrl: "/publishable-key" }) },
    });
    const result = await loadRuntimeConfig();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join()).toContain("publishableKey is missing");
  });

  it("prefers the key written into config.json", async () => {
    serve({
      "/config.json": { status: 200, body: JSON.stringify({ ...base, publishableKey: "pk_inline", publishableKeyUrl: "/publishable-key" }) },
      "/publishable-key": { status: 200, body: "pk_other" },
    });
    const result = await loadRuntimeConfig();
    expect(result.ok && result.config.publishableKey).toBe("pk_inline");
  });
});
