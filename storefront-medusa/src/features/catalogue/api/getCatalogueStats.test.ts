import { describe, expect, it } from "vitest";
import { createStoreClient } from "../../../api/client";
import { getCatalogueStats } from "./getCatalogueStats";

describe("getCatalogueStats", () => {
  it("counts with one-row, id-only list calls", async () => {
    const urls: string[] = [];
    const counts: Record<string, number> = { "/store/products": 8, "/store/product-categories": 0, "/store/collections": 3 };
    const client = createStoreClient({
      backendUrl: "http://b",
      publishableKey: "pk_1",
      fetchImpl: async (input) => {
        const url = new URL(String(input));
        urls.push(url.pathname + url.search);
        return new Response(JSON.stringify({ count: counts[url.pathname] }), { status: 200 });
      },
    });
    await expect(getCatalogueStats(client)).resolves.toEqual({ products: 8, categories: 0, collections: 3 });
    expect(urls.sort()).toEqual(["/store/collections?limit=1&fields=id", "/store/product-categories?limit=1&fields=id", "/store/products?limit=1&fields=id"]);
  });
});
