import { useEffect, useState, type FormEvent } from "react";
import { useLocation } from "react-router-dom";
import type { Collection, ProductCategory } from "../../api/types";
import { activeFilterCount, CLEARED_FILTERS, SORTS, toggleCategory, type ProductQueryState } from "../../lib/productQuery";
import { useShownValue } from "../../lib/useShownValue";

type Update = (change: Partial<ProductQueryState>) => void;

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

/** One toggle chip per category (several may be on); none when the store has no categories. */
export function CategoryChips({ categories, selected, update }: { categories: ProductCategory[]; selected: string[]; update: Update }) {
  if (categories.length === 0) return null;
  const chip = (active: boolean) =>
    `inline-flex min-h-9 items-center gap-1.5 rounded-full border px-4 py-1.5 text-sm font-medium transition ${
      active ? "border-primary bg-primary text-primary-fg" : "border-surface-300 bg-white text-surface-800 hover:border-primary"
    }`;
  return (
    <div role="group" aria-label="Categories" className="flex flex-wrap gap-2" data-testid="category-chips">
      <button type="button" className={chip(selected.length === 0)} aria-pressed={selected.length === 0} onClick={() => update({ categories: [] })}>
        All
      </button>
      {categories.map((category) => {
        const active = selected.includes(category.handle);
        return (
          <button key={category.id} type="button" className={chip(active)} aria-pressed={active} onClick={() => update({ categories: toggleCategory(selected, category.handle) })} data-testid="category-chip">
            {/* Not colour alone: a tick marks the chips that are on. */}
            {active && <span aria-hidden="true">✓</span>}
            {category.name}
          </button>
        );
      })}
    </div>
  );
}

export function ProductFilters({ state, collections, update }: { state: ProductQueryState; collections: Collection[]; update: Update }) {
  const active = activeFilterCount(state);
  const location = useLocation();
  const [collection, showCollection] = useShownValue(state.collection, location);
  const [sort, showSort] = useShownValue(state.sort, location);
  const [inStock, showInStock] = useShownValue(state.inStock, location);
  return (
    <div className="flex flex-wrap items-end gap-4">
      <SearchBox initial={state.q} onSearch={(q) => update({ q })} />
      {collections.length > 0 && (
        <label className="text-sm font-medium">
          Collection
          <select className="input w-44" value={collection}
            onChange={(e) => {
              showCollection(e.target.value);
              update({ collection: e.target.value });
            }} data-testid="collection-filter">
            <option value="">All</option>
            {collections.map((collection) => (
              <option key={collection.id} value={collection.handle}>
                {collection.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="text-sm font-medium">
        Sort by
        <select className="input w-48" value={sort}
          onChange={(e) => {
            const next = e.target.value as ProductQueryState["sort"];
            showSort(next);
            update({ sort: next });
          }} data-testid="sort-select">
          {SORTS.map((sort) => (
            <option key={sort.value} value={sort.value}>
              {sort.label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-2 py-2 text-sm font-medium">
        <input type="checkbox" className="h-5 w-5 rounded border-surface-500 accent-primary" checked={inStock}
          onChange={(e) => {
            showInStock(e.target.checked);
            update({ inStock: e.target.checked });
          }} data-testid="in-stock-filter" />
        In stock only
      </label>
      {active > 0 && (
        <button type="button" className="link py-2 text-sm" onClick={() => update(CLEARED_FILTERS)} data-testid="clear-filters">
          Clear filters ({active})
        </button>
      )}
    </div>
  );
}
