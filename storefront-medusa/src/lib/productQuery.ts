// The products page's state lives in the URL (?q=&collection=&sort=&page=), so every view is a link.
import type { ProductSort } from "../api/store";

export const PAGE_SIZE = 6;
/** Price sorting happens in the browser over at most this many products (see sortByPrice). */
export const PRICE_SORT_LIMIT = 100;
export const SORTS: { value: ProductSort; label: string }[] = [
  { value: "newest", label: "Newest" },
  { value: "price-asc", label: "Price: low to high" },
  { value: "price-desc", label: "Price: high to low" },
  { value: "title", label: "Name" },
];

export interface ProductQueryState {
  q: string;
  collection: string;
  sort: ProductSort;
  page: number;
}

export function readProductQuery(params: URLSearchParams): ProductQueryState {
  const sort = params.get("sort");
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    q: (params.get("q") ?? "").trim(),
    collection: params.get("collection") ?? "",
    sort: SORTS.some((option) => option.value === sort) ? (sort as ProductSort) : "newest",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** The URL for a changed state; defaults are left out and any filter change goes back to page 1. */
export function writeProductQuery(current: ProductQueryState, change: Partial<ProductQueryState>): URLSearchParams {
  const next = { ...current, ...change };
  if (!("page" in change)) next.page = 1;
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.collection) params.set("collection", next.collection);
  if (next.sort !== "newest") params.set("sort", next.sort);
  if (next.page > 1) params.set("page", String(next.page));
  return params;
}

/** The server-side order for a sort, or null when the browser sorts (price). */
export function serverOrder(sort: ProductSort): string | null {
  if (sort === "newest") return "-created_at";
  if (sort === "title") return "title";
  return null;
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}
