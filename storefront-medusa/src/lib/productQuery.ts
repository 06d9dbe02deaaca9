// The products page's state lives in the URL, so every view is a link and the back button works:
// ?q=&category=a&category=b&collection=&stock=in&sort=&page=
import type { ProductSort } from "../api/store";

export const PAGE_SIZE = 6;
/** Price sorting and the in-stock filter happen in the browser over at most this many products. */
export const CLIENT_SIDE_LIMIT = 100;
export const SORTS: { value: ProductSort; label: string }[] = [
  { value: "newest", label: "Newest" },
  { value: "price-asc", label: "Price: low to high" },
  { value: "price-desc", label: "Price: high to low" },
  { value: "title", label: "Name" },
];

export interface ProductQueryState {
  q: string;
  /** Category handles (several chips may be on). */
  categories: string[];
  /** A collection handle. */
  collection: string;
  inStock: boolean;
  sort: ProductSort;
  page: number;
}

export const DEFAULT_PRODUCT_QUERY: ProductQueryState = { q: "", categories: [], collection: "", inStock: false, sort: "newest", page: 1 };

function uniqueHandles(values: string[]): string[] {
  return [...new Set(values.map((value) => value.trim()).filter(Boolean))];
}

export function readProductQuery(params: URLSearchParams): ProductQueryState {
  const sort = params.get("sort");
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    q: (params.get("q") ?? "").trim(),
    categories: uniqueHandles(params.getAll("category")),
    collection: params.get("collection") ?? "",
    inStock: params.get("stock") === "in",
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
  for (const handle of uniqueHandles(next.categories)) params.append("category", handle);
  if (next.collection) params.set("collection", next.collection);
  if (next.inStock) params.set("stock", "in");
  if (next.sort !== "newest") params.set("sort", next.sort);
  if (next.page > 1) params.set("page", String(next.page));
  return params;
}

/** A chip turned on or off. */
export function toggleCategory(categories: string[], handle: string): string[] {
  return categories.includes(handle) ? categories.filter((item) => item !== handle) : [...categories, handle];
}

/** Filters a shopper can clear (search and sort are not filters). */
export function activeFilterCount(state: ProductQueryState): number {
  return state.categories.length + (state.collection ? 1 : 0) + (state.inStock ? 1 : 0);
}

export const CLEARED_FILTERS: Partial<ProductQueryState> = { categories: [], collection: "", inStock: false };

/** The server-side order for a sort, or null when the browser sorts (price). */
export function serverOrder(sort: ProductSort): string | null {
  if (sort === "newest") return "-created_at";
  if (sort === "title") return "title";
  return null;
}

/** The Store API can neither sort by calculated price nor filter by stock: those views are built here. */
export function needsClientSide(state: ProductQueryState): boolean {
  return serverOrder(state.sort) === null || state.inStock;
}

/** Handles → ids for `category_id[]`; unknown handles (renamed, deleted) are dropped. */
export function categoryIdsFor(handles: string[], categories: { id: string; handle: string }[]): string[] {
  return handles.map((handle) => categories.find((category) => category.handle === handle)?.id).filter((id): id is string => Boolean(id));
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}
