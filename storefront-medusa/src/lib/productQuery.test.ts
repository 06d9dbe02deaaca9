import { describe, expect, it } from "vitest";
import { pageCount, readProductQuery, serverOrder, writeProductQuery } from "./productQuery";

describe("product list URL state", () => {
  it("reads defaults from an empty URL", () => {
    expect(readProductQuery(new URLSearchParams())).toEqual({ q: "", collection: "", sort: "newest", page: 1 });
  });

  it("ignores unknown sorts and bad pages", () => {
    expect(readProductQuery(new URLSearchParams("sort=cheap&page=-2"))).toMatchObject({ sort: "newest", page: 1 });
  });

  it("round-trips a state and drops defaults", () => {
    const state = readProductQuery(new URLSearchParams("q=tee&collection=apparel&sort=price-asc&page=2"));
    expect(writeProductQuery(state, { page: 2 }).toString()).toBe("q=tee&collection=apparel&sort=price-asc&page=2");
    expect(writeProductQuery(state, { sort: "newest" }).toString()).toBe("q=tee&collection=apparel");
  });

  it("goes back to page 1 when a filter changes", () => {
    const state = readProductQuery(new URLSearchParams("page=3"));
    expect(writeProductQuery(state, { q: "mug" }).toString()).toBe("q=mug");
  });

  it("sorts by date and name on the server, by price in the browser", () => {
    expect(serverOrder("newest")).toBe("-created_at");
    expect(serverOrder("title")).toBe("title");
    expect(serverOrder("price-asc")).toBeNull();
  });

  it("counts pages", () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(6)).toBe(1);
    expect(pageCount(7)).toBe(2);
  });
});
