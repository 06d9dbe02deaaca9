// Product helpers: prices, option → variant matching, stock.
import type { Product, Variant } from "../api/types";

export function variantPrice(variant: Variant): number | null {
  return variant.calculated_price?.calculated_amount ?? null;
}

export function cheapestPrice(product: Product): number | null {
  const prices = (product.variants ?? []).map(variantPrice).filter((price): price is number => price !== null);
  return prices.length > 0 ? Math.min(...prices) : null;
}

/** Units a shopper can buy; null when the variant is not stock-tracked or allows backorders. */
export function availableQuantity(variant: Variant): number | null {
  if (!variant.manage_inventory || variant.allow_backorder) return null;
  return Math.max(0, variant.inventory_quantity ?? 0);
}

export function isInStock(variant: Variant): boolean {
  const available = availableQuantity(variant);
  return available === null || available > 0;
}

export type OptionSelection = Record<string, string>; // option id → value

export function variantOptionMap(variant: Variant): OptionSelection {
  const map: OptionSelection = {};
  for (const option of variant.options ?? []) {
    const optionId = option.option_id ?? option.option?.id;
    if (optionId) map[optionId] = option.value;
  }
  return map;
}

export function findVariant(product: Product, selection: OptionSelection): Variant | null {
  const optionIds = (product.options ?? []).map((option) => option.id);
  if (optionIds.some((id) => !selection[id])) return null;
  return (product.variants ?? []).find((variant) => {
    const map = variantOptionMap(variant);
    return optionIds.every((id) => map[id] === selection[id]);
  }) ?? null;
}

/** The first in-stock variant's options (or the first variant's), so a product opens ready to buy. */
export function initialSelection(product: Product): OptionSelection {
  const variants = product.variants ?? [];
  const variant = variants.find(isInStock) ?? variants[0];
  return variant ? variantOptionMap(variant) : {};
}

/**
 * The Store API cannot order by calculated price, so price sorting happens here, over one page of
 * up to the catalogue limit (the Medusa Next.js starter does the same).
 */
export function sortByPrice(products: Product[], direction: "asc" | "desc"): Product[] {
  const sign = direction === "asc" ? 1 : -1;
  const priceOf = (product: Product) => cheapestPrice(product) ?? Number.POSITIVE_INFINITY * sign;
  return [...products].sort((a, b) => sign * (priceOf(a) - priceOf(b)) || a.title.localeCompare(b.title));
}

export function isProductInStock(product: Product): boolean {
  return (product.variants ?? []).some(isInStock);
}

/** The views the Store API cannot give: in-stock only, and price order (else the server's order is kept). */
export function clientView(products: Product[], options: { inStock: boolean; sort: string }): Product[] {
  const kept = options.inStock ? products.filter(isProductInStock) : products;
  if (options.sort === "price-asc") return sortByPrice(kept, "asc");
  if (options.sort === "price-desc") return sortByPrice(kept, "desc");
  return kept;
}

/** An option's values in the order the variants list them (the API returns them unordered). */
export function orderedOptionValues(product: Product, optionId: string): string[] {
  const seen: string[] = [];
  for (const variant of product.variants ?? []) {
    const value = variantOptionMap(variant)[optionId];
    if (value !== undefined && !seen.includes(value)) seen.push(value);
  }
  return seen;
}
