import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { listCollections, listProducts } from "../api/store";
import { ErrorMessage } from "../components/ErrorMessage";
import { ProductGrid } from "../components/ProductCard";
import { Spinner } from "../components/Spinner";
import { usePageTitle } from "../lib/usePageTitle";
import { useStore } from "../state/StoreContext";

const PERKS = [
  { title: "Free returns", text: "30 days to change your mind." },
  { title: "Fast shipping", text: "Standard or express, tracked." },
  { title: "Secure checkout", text: "Your details stay private." },
];

function Hero() {
  const { config } = useStore();
  return (
    <section className="rounded-2xl bg-brand px-6 py-16 text-white sm:px-12" aria-labelledby="hero-title">
      <p className="text-sm font-semibold uppercase tracking-widest text-accent">New season</p>
      <h1 id="hero-title" className="mt-3 text-4xl font-bold sm:text-5xl" data-testid="hero-title">
        {config.storeName}
      </h1>
      <p className="mt-4 max-w-xl text-lg text-white/80">Everyday goods, made to last. Find something you will keep for years.</p>
      <Link to="/products" className="mt-8 inline-flex rounded-md bg-accent px-6 py-3 font-semibold text-gray-900 hover:opacity-90">
        Shop all products
      </Link>
    </section>
  );
}

function FeaturedProducts() {
  const { client, region } = useStore();
  const featured = useQuery({
    queryKey: ["products", "featured", region.id],
    queryFn: () => listProducts(client, { regionId: region.id, limit: 4, offset: 0, order: "-created_at" }),
  });
  return (
    <section className="mt-14" aria-labelledby="featured-title">
      <div className="flex items-baseline justify-between">
        <h2 id="featured-title" className="text-2xl font-semibold">
          Featured products
        </h2>
        <Link to="/products" className="text-sm font-medium text-brand underline">
          View all
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

function CollectionLinks() {
  const { client } = useStore();
  const collections = useQuery({ queryKey: ["collections"], queryFn: () => listCollections(client) });
  if (!collections.data?.length) return null;
  return (
    <section className="mt-14" aria-labelledby="collections-title">
      <h2 id="collections-title" className="text-2xl font-semibold">
        Shop by collection
      </h2>
      <ul className="mt-6 grid gap-4 sm:grid-cols-3">
        {collections.data.map((collection) => (
          <li key={collection.id}>
            <Link to={`/products?collection=${collection.handle}`} className="block rounded-xl border border-gray-200 p-6 font-semibold hover:border-brand hover:text-brand">
              {collection.title} →
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Perks() {
  return (
    <section className="mt-14 grid gap-6 rounded-2xl bg-accent/10 p-8 sm:grid-cols-3" aria-label="Why shop with us">
      {PERKS.map((perk) => (
        <div key={perk.title}>
          <h3 className="font-semibold">{perk.title}</h3>
          <p className="mt-1 text-sm text-gray-700">{perk.text}</p>
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
      <CollectionLinks />
      <Perks />
    </>
  );
}
