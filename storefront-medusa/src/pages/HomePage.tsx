import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { listCollections, listProducts } from "../api/store";
import { ErrorMessage } from "../components/ErrorMessage";
import { ProductGrid } from "../components/ProductCard";
import { Spinner } from "../components/Spinner";
import { useCategories } from "../features/catalogue/api/listCategories";
import { Hero } from "../features/home/Hero";
import { NewsletterSignup } from "../features/newsletter/NewsletterSignup";
import { usePageTitle } from "../lib/usePageTitle";
import { useStore } from "../state/StoreContext";

const PERKS = [
  { title: "Free returns", text: "30 days to change your mind." },
  { title: "Fast shipping", text: "Standard or express, tracked." },
  { title: "Secure checkout", text: "Your details stay private." },
];

function FeaturedProducts() {
  const { client, region } = useStore();
  const featured = useQuery({
    queryKey: ["products", "featured", region.id],
    queryFn: () => listProducts(client, { regionId: region.id, limit: 4, offset: 0, order: "-created_at" }),
  });
  return (
    <section className="mt-14" aria-labelledby="featured-title">
      <div className="flex items-baseline justify-between">
        <h2 id="featured-title" className="text-2xl font-bold">
          Featured products
        </h2>
        <Link to="/products" className="link text-sm">
          View all products
        </Link>
      </div>
      <div className="mt-6">
        {featured.isPending && <Spinner label="Loading products" />}
        {featured.isError && <ErrorMessage error={featured.error} />}
        {featured.data && <ProductGrid products={featured.data.products} />}
      </div>
    </section>
  );
}

/** Shop by category: only when the store has categories (a new store may have none). */
function CategoryLinks() {
  const categories = useCategories();
  if (!categories.data?.length) return null;
  return (
    <section className="mt-14" aria-labelledby="categories-title" data-testid="home-categories">
      <h2 id="categories-title" className="text-2xl font-bold">
        Shop by category
      </h2>
      <ul className="mt-6 flex flex-wrap gap-3">
        {categories.data.map((category) => (
          <li key={category.id}>
            <Link
              to={`/products?category=${encodeURIComponent(category.handle)}`}
              className="inline-flex rounded-full border border-surface-300 bg-white px-4 py-2 text-sm font-medium text-surface-800 transition hover:border-primary hover:text-primary-ink"
            >
              {category.name}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function CollectionLinks() {
  const { client } = useStore();
  const collections = useQuery({ queryKey: ["collections"], queryFn: () => listCollections(client) });
  if (!collections.data?.length) return null;
  return (
    <section className="mt-14" aria-labelledby="collections-title">
      <h2 id="collections-title" className="text-2xl font-bold">
        Shop by collection
      </h2>
      <ul className="mt-6 grid gap-4 sm:grid-cols-3">
        {collections.data.map((collection) => (
          <li key={collection.id}>
            <Link
              to={`/products?collection=${encodeURIComponent(collection.handle)}`}
              className="flex items-center justify-between rounded-xl border border-surface-200 bg-white p-6 font-semibold transition hover:border-primary hover:text-primary-ink"
            >
              {collection.title}
              <span aria-hidden="true">→</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Perks() {
  return (
    <section className="mt-14 grid gap-6 rounded-2xl bg-surface-100 p-8 sm:grid-cols-3" aria-labelledby="perks-title">
      <h2 id="perks-title" className="sr-only">
        Why shop with us
      </h2>
      {PERKS.map((perk) => (
        <div key={perk.title}>
          <h3 className="font-bold">{perk.title}</h3>
          <p className="mt-1 text-sm text-surface-700">{perk.text}</p>
        </div>
      ))}
    </section>
  );
}

export function HomePage() {
  usePageTitle(null);
  return (
    <>
      <Hero />
      <FeaturedProducts />
      <CategoryLinks />
      <CollectionLinks />
      <Perks />
      <NewsletterSignup />
    </>
  );
}
