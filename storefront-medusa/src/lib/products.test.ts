import { describe, expect, it } from "vitest";
import type { Product, Variant } from "../api/types";
import { availableQuantity, cheapestPrice, clientView, findVariant, initialSelection, isInStock, isProductInStock, orderedOptionValues, sortByPrice } from "./products";

const variant = (id: string, price: number | null, size: string, stock?: number): Variant => ({
  id,
  title: size,
  manage_inventory: stock !== undefined,
  inventory_quantity: stock ?? null,
  calculated_price: { calculated_amount: price, original_amount: price, currency_code: "usd" },
  options: [{ id: `ov_${id}`, value: size, option_id: "opt_size" }],
});

const product = (title: string, variants: Variant[]): Product => ({
  id: `prod_${title}`,
  title,
  handle: title.toLowerCase(),
  description: null,
  thumbnail: null,
  options: [{ id: "opt_size", title: "Size" }],
  variants,
});

describe("product helpers", () => {
  const tee = product("Tee", [variant("s", 20, "S", 0), variant("m", 22, "M", 5), variant("l", 18, "L")]);

  it("finds the cheapest variant price", () => {
    expect(cheapestPrice(tee)).toBe(18);
    expect(cheapestPrice(product("Empty", []))).toBeNull();
  });

  it("matches options to a variant", () => {
    expect(findVariant(tee, { opt_size: "M" })?.id).toBe("m");
    expect(findVariant(tee, {})).toBeNull();
    expect(findVariant(tee, { opt_size: "XL" })).toBeNull();
  });

  it("knows what is in stock", () => {
    const [small, medium, large] = tee.variants ?? [];
    expect(small && isInStock(small)).toBe(false);
    expect(medium && availableQuantity(medium)).toBe(5);
    expect(large && availableQuantity(large)).toBeNull();
  });

  it("lists option values in variant order", () => {
    expect(orderedOptionValues(tee, "opt_size")).toEqual(["S", "M", "L"]);
  });

  it("opens a product on an in-stock variant", () => {
    expect(initialSelection(tee)).toEqual({ opt_size: "M" });
  });

  it("sorts by price both ways", () => {
    const list = [product("B", [variant("b", 30, "S")]), product("A", [variant("a", 10, "S")]), product("C", [variant("c", 20, "S")])];
    expect(sortByPrice(list, "asc").map((p) => p.title)).toEqual(["A", "C", "B"]);
    expect(sortByPrice(list, "desc").map((p) => p.title)).toEqual(["B", "C", "A"]);
  });

  it("keeps in-stock products only, in the server's or price order", () => {
    const soldOut = product("Gone", [variant("g", 5, "S", 0)]);
    const untracked = product("Always", [variant("a", 30, "S")]);
    const list = [soldOut, tee, untracked];
    expect(isProductInStock(soldOut)).toBe(false);
    expect(isProductInStock(tee)).toBe(true);
    expect(isProductInStock(product("Empty", []))).toBe(false);
    expect(clientView(list, { inStock: true, sort: "newest" }).map((p) => p.title)).toEqual(["Tee", "Always"]);
    expect(clientView(list, { inStock: false, sort: "price-asc" }).map((p) => p.title)).toEqual(["Gone", "Tee", "Always"]);
    expect(clientView(list, { inStock: true, sort: "price-desc" }).map((p) => p.title)).toEqual(["Always", "Tee"]);
  });
});
