import { useEffect, useState, type FormEvent } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router-dom";
import type { StoreClient } from "../api/client";
import { listCollections, listProducts, type ProductPage } from "../api/store";
import type { Collection } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { ProductGrid } from "../components/ProductCard";
import { Spinner } from "../components/Spinner";
import { PAGE_SIZE, PRICE_SORT_LIMIT, pageCount, readProductQuery, serverOrder, SORTS, writeProductQuery, type ProductQueryState } from "../lib/productQuery";
import { sortByPrice } from "../lib/products";
import { usePageTitle } from "../lib/usePageTitle";
import { useStore } from "../state/StoreContext";

async function fetchPage(client: StoreClient, regionId: string, state: ProductQueryState, collectionId: string | undefined): Promise<ProductPage> {
  const order = serverOrder(state.sort);
  const base = { regionId, q: state.q || undefined, collectionId };
  if (order) return listProducts(client, { ...base, order, limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE });
  const all = await listProducts(client, { ...base, limit: PRICE_SORT_LIMIT, offset: 0 });
  const sorted = sortByPrice(all.products, state.sort === "price-asc" ? "asc" : "desc");
  return { products: sorted.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE), count: Math.min(all.count, PRICE_SORT_LIMIT) };
}

function SearchBox({ initial, onSearch }: { initial: string; onSearch(q: string): void }) {
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form role="search" onSubmit={submit} className="flex gap-2">
      <label htmlFor="product-search" className="sr-only">
        Search products
      </label>
      <input id="product-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search products" className="input mt-0 w-56" />
      <button type="submit" className="btn-secondary py-2">
        Search
      </button>
    </form>
  );
}

function Filters({ state, collections, update }: { state: ProductQueryState; collections: Collection[]; update(change: Partial<ProductQueryState>): void }) {
  return (
    <div className="flex flex-wrap items-end gap-4">
      <SearchBox initial={state.q} onSearch={(q) => update({ q })} />
      <label className="text-sm font-medium">
        Collection
        <select className="input w-44" value={state.collection} onChange={(e) => update({ collection: e.target.value })} data-testid="collection-filter">
          <option value="">All</option>
          {collections.map((collection) => (
            <option key={collection.id} value={collection.handle}>
              {collection.title}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        Sort by
        <select className="input w-48" value={state.sort} onChange={(e) => update({ sort: e.target.value as ProductQueryState["sort"] })} data-testid="sort-select">
          {SORTS.map((sort) => (
            <option key={sort.value} value={sort.value}>
              {sort.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
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

export default function ProductsPage() {
  usePageTitle("Shop");
  const { client, region } = useStore();
  const [params, setParams] = useSearchParams();
  const state = readProductQuery(params);
  const collections = useQuery({ queryKey: ["collections"], queryFn: () => listCollections(client) });
  const collectionId = collections.data?.find((collection) => collection.handle === state.collection)?.id;
  const waitingForCollection = Boolean(state.collection) && !collections.data;
  const products = useQuery({
    queryKey: ["products", "list", region.id, state, collectionId],
    queryFn: () => fetchPage(client, region.id, state, collectionId),
    enabled: !waitingForCollection,
    placeholderData: keepPreviousData,
  });
  const update = (change: Partial<ProductQueryState>) => setParams(writeProductQuery(state, change));

  return (
    <section aria-labelledby="products-title">
      <h1 id="products-title" className="text-3xl font-bold">
        {state.q ? `Results for “${state.q}”` : "All products"}
      </h1>
      <div className="mt-6">
        <Filters state={state} collections={collections.data ?? []} update={update} />
      </div>
      <div className="mt-8" aria-live="polite" aria-busy={products.isFetching}>
        {products.isPending && <Spinner label="Loading products" />}
        {products.isError && <ErrorMessage error={products.error} />}
        {products.data && products.data.products.length === 0 && (
          <p className="py-10 text-center text-gray-600" data-testid="no-results">
            No products match your search.
          </p>
        )}
        {products.data && products.data.products.length > 0 && (
          <>
            <p className="mb-4 text-sm text-gray-600" data-testid="result-count">
              {products.data.count} product{products.data.count === 1 ? "" : "s"}
            </p>
            <ProductGrid products={products.data.products} />
            <Pagination page={state.page} pages={pageCount(products.data.count)} goTo={(page) => update({ page })} />
          </>
        )}
      </div>
    </section>
  );
}
