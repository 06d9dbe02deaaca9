// The hero's "store at a glance": three counts, each a `limit=1&fields=id` list call (Medusa returns
// `count` with every list), so no catalogue is downloaded to count it.
import { useQuery } from "@tanstack/react-query";
import type { StoreClient } from "../../../api/client";
import { useStore } from "../../../state/StoreContext";

export interface CatalogueStats {
  products: number;
  categories: number;
  collections: number;
}

async function count(client: StoreClient, path: string): Promise<number> {
  const { count } = await client.get<{ count: number }>(path, { limit: 1, fields: "id" });
  return count;
}

export async function getCatalogueStats(client: StoreClient): Promise<CatalogueStats> {
  const [products, categories, collections] = await Promise.all([
    count(client, "/store/products"),
    count(client, "/store/product-categories"),
    count(client, "/store/collections"),
  ]);
  return { products, categories, collections };
}

export function useCatalogueStats() {
  const { client } = useStore();
  return useQuery({ queryKey: ["catalogue-stats"], queryFn: () => getCatalogueStats(client), staleTime: 5 * 60_000 });
}
