import { describe, expect, it } from "vitest";
import { buildQueryString, createStoreClient, StoreApiError } from "./client";

function fakeFetch(status: number, body: unknown, seen: { url?: string; headers?: Record<string, string> } = {}) {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.url = String(input);
    seen.headers = init?.headers as Record<string, string>;
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
}

describe("buildQueryString", () => {
  it("encodes arrays the Medusa way and skips empty values", () => {
    expect(buildQueryString({ q: "tee shirt", collection_id: ["a", "b"], limit: 6, empty: "", none: undefined })).toBe(
      "?q=tee+shirt&collection_id%5B%5D=a&collection_id%5B%5D=b&limit=6",
    );
    expect(buildQueryString({})).toBe("");
  });
});

describe("store client", () => {
  it("sends the publishable key to the backend", async () => {
    const seen: { url?: string; headers?: Record<string, string> } = {};
    const client = createStoreClient({ backendUrl: "http://b", publishableKey: "pk_1", fetchImpl: fakeFetch(200, { ok: 1 }, seen) });
    await expect(client.get("/store/regions", { limit: 1 })).resolves.toEqual({ ok: 1 });
    expect(seen.url).toBe("http://b/store/regions?limit=1");
    expect(seen.headers?.["x-publishable-api-key"]).toBe("pk_1");
  });

  it("recognises a rejected publishable key", async () => {
    const body = { type: "not_allowed", message: "A valid publishable key is required to proceed with the request" };
    const client = createStoreClient({ backendUrl: "http://b", publishableKey: "pk_bad", fetchImpl: fakeFetch(400, body) });
    const error = await client.get("/store/regions").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreApiError);
    expect(error).toMatchObject({ kind: "publishable-key", status: 400, message: body.message });
  });

  it("tells not-found, invalid and unreachable apart", async () => {
    const notFound = createStoreClient({ backendUrl: "http://b", publishableKey: "pk", fetchImpl: fakeFetch(404, { message: "Cart not found" }) });
    await expect(notFound.get("/store/carts/x")).rejects.toMatchObject({ kind: "not-found", message: "Cart not found" });
    const invalid = createStoreClient({ backendUrl: "http://b", publishableKey: "pk", fetchImpl: fakeFetch(400, { type: "invalid_data", message: "bad" }) });
    await expect(invalid.post("/store/carts", {})).rejects.toMatchObject({ kind: "invalid" });
    const down = createStoreClient({
      backendUrl: "http://b",
      publishableKey: "pk",
      fetchImpl: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await expect(down.get("/store/regions")).rejects.toMatchObject({ kind: "network", status: 0 });
  });
});
