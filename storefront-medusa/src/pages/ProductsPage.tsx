import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router-dom";
import type { StoreClient } from "../api/client";
import { listCollections, listProducts, type ProductPage } from "../api/store";
import { ErrorMessage } from "../components/ErrorMessage";
import { ProductGrid } from "../components/ProductCard";
import { Spinner } from "../components/Spinner";
import { useCategories } from "../features/catalogue/api/listCategories";
import { CategoryChips, ProductFilters } from "../features/catalogue/ProductFilters";
import { categoryIdsFor, CLIENT_SIDE_LIMIT, needsClientSide, PAGE_SIZE, pageCount, readProductQuery, serverOrder, writeProductQuery, type ProductQueryState } from "../lib/productQuery";
import { clientView } from "../lib/products";
import { usePageTitle } from "../lib/usePageTitle";
import { useStore } from "../state/StoreContext";

interface Filters {
  collectionId?: string;
  categoryIds?: string[];
}

async function fetchPage(client: StoreClient, regionId: string, state: ProductQueryState, filters: Filters): Promise<ProductPage> {
  const base = { regionId, q: state.q || undefined, ...filters };
  const order = serverOrder(state.sort) ?? undefined;
  if (!needsClientSide(state)) return listProducts(client, { ...base, order, limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE });
  // Price order and stock are not Store API filters: one larger page, sorted and filtered here.
  const all = await listProducts(client, { ...base, order, limit: CLIENT_SIDE_LIMIT, offset: 0 });
  const view = clientView(all.products, state);
  const count = state.inStock ? view.length : Math.min(all.count, CLIENT_SIDE_LIMIT);
  return { products: view.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE), count };
}

function Pagination({ page, pages, goTo }: { page: number; pages: number; goTo(page: number): void }) {
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pagination" className="mt-10 flex items-center justify-center gap-4">
      <button type="button" className="btn-secondary py-2" disabled={page <= 1} onClick={() => goTo(page - 1)}>
        Previous
      </button>
      <span className="text-sm" aria-current="page">
        Page {page} of {pages}
      </span>
      <button type="button" className="btn-secondary py-2" disabled={page >= pages} onClick={() => goTo(page + 1)}>
        Next
      </button>
    </nav>
  );
}

function Results({ data, page, goTo }: { data: ProductPage | undefined; page: number; goTo(page: number): void }) {
  if (!data) return null;
  if (data.products.length === 0) {
    return (
      <p className="py-10 text-center text-surface-600" data-testid="no-results">
        No products match your search and filters.
      </p>
    );
  }
  return (
    <>
      <h2 className="mb-4 text-sm font-normal text-surface-600" data-testid="result-count">
        {data.count} product{data.count === 1 ? "" : "s"}
      </h2>
      <ProductGrid products={data.products} />
      <Pagination page={page} pages={pageCount(data.count)} goTo={goTo} />
    </>
  );
}

export default function ProductsPage() {
  usePageTitle("Shop");
  const { client, region } = useStore();
  const [params, setParams] = useSearchParams();
  const state = readProductQuery(params);
  const collections = useQuery({ queryKey: ["collections"], queryFn: () => listCollections(client) });
  const categories = useCategories();
  const filters: Filters = {
    collectionId: collections.data?.find((collection) => collection.handle === state.collection)?.id,
    categoryIds: categoryIdsFor(state.categories, categories.data ?? []),
  };
  // A handle in the URL needs its id first (a failed lookup filters on nothing rather than hang).
  const waiting = (Boolean(state.collection) && collections.isPending) || (state.categories.length > 0 && categories.isPending);
  const products = useQuery({
    queryKey: ["products", "list", region.id, state, filters],
    queryFn: () => fetchPage(client, region.id, state, filters),
    enabled: !waiting,
    placeholderData: keepPreviousData,
  });
  const update = (change: Partial<ProductQueryState>) => setParams(writeProductQuery(state, change));

  return (
    <section aria-labelledby="products-title">
      <h1 id="products-title" className="text-3xl font-bold">
        {state.q ? `Results for “${state.q}”` : "All products"}
      </h1>
      <div className="mt-6 space-y-4">
        <CategoryChips categories={categories.data ?? []} selected={state.categories} update={update} />
        <ProductFilters state={state} collections={collections.data ?? []} update={update} />
      </div>
      <div className="mt-8" aria-live="polite" aria-busy={products.isFetching}>
        {products.isPending && <Spinner label="Loading products" />}
        {products.isError && <ErrorMessage error={products.error} />}
        <Results data={products.data} page={state.page} goTo={(page) => update({ page })} />
      </div>
    </section>
  );
}
