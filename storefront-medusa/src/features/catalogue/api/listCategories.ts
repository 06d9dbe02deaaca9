// GET /store/product-categories: the active, public categories, for chips and filters. Their names
// come from the store's catalogue (the seed creates them per template), never from this code.
import { useQuery } from "@tanstack/react-query";
import type { StoreClient } from "../../../api/client";
import type { ProductCategory } from "../../../api/types";
import { useStore } from "../../../state/StoreContext";

export async function listCategories(client: StoreClient): Promise<ProductCategory[]> {
  const { product_categories } = await client.get<{ product_categories: ProductCategory[] }>("/store/product-categories", {
    fields: "id,name,handle,rank",
    limit: 100,
  });
  // The owner's order (rank), then by name.
  return [...product_categories].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0) || a.name.localeCompare(b.name));
}

export function useCategories() {
  const { client } = useStore();
  return useQuery({ queryKey: ["categories"], queryFn: () => listCategories(client), staleTime: 5 * 60_000 });
}
