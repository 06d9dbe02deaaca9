import { Link } from "react-router-dom";
import { useStore } from "../../state/StoreContext";
import { useCatalogueStats, type CatalogueStats } from "../catalogue/api/getCatalogueStats";

const STAT_LABELS: { key: keyof CatalogueStats; one: string; many: string }[] = [
  { key: "products", one: "Product", many: "Products" },
  { key: "categories", one: "Category", many: "Categories" },
  { key: "collections", one: "Collection", many: "Collections" },
];

/** The store at a glance, from the Store API; a count of zero is left out (a new store has no categories). */
function HeroStats() {
  const stats = useCatalogueStats();
  if (stats.isError) return null;
  const shown = stats.data ? STAT_LABELS.filter(({ key }) => stats.data[key] > 0) : STAT_LABELS;
  if (shown.length === 0) return null;
  return (
    <div className="rounded-2xl bg-white p-6 text-surface-900 shadow-lg">
      <h2 className="text-sm font-semibold uppercase tracking-wider text-surface-600">At a glance</h2>
      <dl className="mt-4 grid grid-cols-3 gap-4" aria-busy={stats.isPending} data-testid="hero-stats">
        {shown.map(({ key, one, many }) => {
          const value = stats.data?.[key];
          return (
            <div key={key} className="flex flex-col-reverse" data-testid={`stat-${key}`}>
              <dt className="text-sm text-surface-600">{value === 1 ? one : many}</dt>
              <dd className="font-display text-3xl font-bold tabular-nums">{value ?? "–"}</dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}

export function Hero() {
  const { config } = useStore();
  return (
    <section className="overflow-hidden rounded-3xl bg-primary text-primary-fg" aria-labelledby="hero-title">
      <div className="grid gap-10 px-6 py-14 sm:px-12 lg:grid-cols-[3fr_2fr] lg:items-center">
        <div>
          <p className="inline-flex rounded-full bg-accent px-3 py-1 text-xs font-semibold uppercase tracking-widest text-accent-fg">Welcome</p>
          <h1 id="hero-title" className="mt-4 text-4xl font-bold leading-tight sm:text-5xl" data-testid="hero-title">
            {config.storeName}
          </h1>
          <p className="mt-4 max-w-xl text-lg">Everyday goods, made to last. Find something you will keep for years.</p>
          <div className="mt-8 flex flex-wrap gap-3">
            <Link to="/products" className="btn-accent">
              Shop all products
            </Link>
            <Link to="/collections" className="inline-flex items-center justify-center rounded-md border-2 border-primary-fg px-6 py-2.5 font-semibold text-primary-fg transition hover:bg-primary-fg/10">
              Browse collections
            </Link>
          </div>
        </div>
        <HeroStats />
      </div>
    </section>
  );
}
