import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { listCollections } from "../api/store";
import { ErrorMessage } from "../components/ErrorMessage";
import { Spinner } from "../components/Spinner";
import { usePageTitle } from "../lib/usePageTitle";
import { useStore } from "../state/StoreContext";

export default function CollectionsPage() {
  usePageTitle("Collections");
  const { client } = useStore();
  const collections = useQuery({ queryKey: ["collections"], queryFn: () => listCollections(client) });
  return (
    <section aria-labelledby="collections-title">
      <h1 id="collections-title" className="text-3xl font-bold">
        Collections
      </h1>
      <div className="mt-8">
        {collections.isPending && <Spinner label="Loading collections" />}
        {collections.isError && <ErrorMessage error={collections.error} />}
        {collections.data && (
          <ul className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3" data-testid="collection-list">
            {collections.data.map((collection) => (
              <li key={collection.id}>
                <Link
                  to={`/products?collection=${encodeURIComponent(collection.handle)}`}
                  className="flex h-40 items-end rounded-2xl bg-primary p-6 font-display text-2xl font-bold text-primary-fg transition hover:brightness-110"
                >
                  {collection.title}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
