import { describe, expect, it } from "vitest";
import {
  activeFilterCount,
  categoryIdsFor,
  CLEARED_FILTERS,
  DEFAULT_PRODUCT_QUERY,
  needsClientSide,
  pageCount,
  readProductQuery,
  serverOrder,
  toggleCategory,
  writeProductQuery,
} from "./productQuery";

describe("product list URL state", () => {
  it("reads defaults from an empty URL", () => {
    expect(readProductQuery(new URLSearchParams())).toEqual(DEFAULT_PRODUCT_QUERY);
  });

  it("ignores unknown sorts, bad pages and empty or repeated categories", () => {
    expect(readProductQuery(new URLSearchParams("sort=cheap&page=-2&stock=yes"))).toMatchObject({ sort: "newest", page: 1, inStock: false });
    expect(readProductQuery(new URLSearchParams("category=mugs&category=&category=mugs&category=tees")).categories).toEqual(["mugs", "tees"]);
  });

  it("round-trips a state and drops defaults", () => {
    const url = "q=tee&category=tops&category=new&collection=apparel&stock=in&sort=price-asc&page=2";
    const state = readProductQuery(new URLSearchParams(url));
    expect(state).toEqual({ q: "tee", categories: ["tops", "new"], collection: "apparel", inStock: true, sort: "price-asc", page: 2 });
    expect(writeProductQuery(state, { page: 2 }).toString()).toBe(url);
    expect(writeProductQuery(state, { sort: "newest", inStock: false, categories: [] }).toString()).toBe("q=tee&collection=apparel");
  });

  it("goes back to page 1 when a filter changes", () => {
    const state = readProductQuery(new URLSearchParams("page=3"));
    expect(writeProductQuery(state, { q: "mug" }).toString()).toBe("q=mug");
    expect(writeProductQuery(state, { inStock: true }).toString()).toBe("stock=in");
  });

  it("toggles category chips and clears every filter but the search", () => {
    expect(toggleCategory([], "mugs")).toEqual(["mugs"]);
    expect(toggleCategory(["mugs", "tees"], "mugs")).toEqual(["tees"]);
    const state = readProductQuery(new URLSearchParams("q=a&category=x&collection=y&stock=in&sort=title"));
    expect(activeFilterCount(state)).toBe(3);
    expect(writeProductQuery(state, CLEARED_FILTERS).toString()).toBe("q=a&sort=title");
  });

  it("maps category handles to ids, dropping unknown ones", () => {
    const categories = [
      { id: "pcat_1", handle: "mugs" },
      { id: "pcat_2", handle: "tees" },
    ];
    expect(categoryIdsFor(["tees", "gone", "mugs"], categories)).toEqual(["pcat_2", "pcat_1"]);
    expect(categoryIdsFor(["gone"], [])).toEqual([]);
  });

  it("sorts by date and name on the server, by price and stock in the browser", () => {
    expect(serverOrder("newest")).toBe("-created_at");
    expect(serverOrder("title")).toBe("title");
    expect(serverOrder("price-asc")).toBeNull();
    expect(needsClientSide(DEFAULT_PRODUCT_QUERY)).toBe(false);
    expect(needsClientSide({ ...DEFAULT_PRODUCT_QUERY, inStock: true })).toBe(true);
    expect(needsClientSide({ ...DEFAULT_PRODUCT_QUERY, sort: "price-desc" })).toBe(true);
  });

  it("counts pages", () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(6)).toBe(1);
    expect(pageCount(7)).toBe(2);
  });
});
