import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { usageKeys } from "./keys";

export type StoreUsage = Schemas["StoreUsage"];

/** What one store reserves and its estimated monthly cost (its owner or an admin may read it). */
export function getStoreUsage(storeId: string): Promise<StoreUsage> {
  return unwrap(api.GET("/api/v1/stores/{store_id}/usage", { params: { path: { store_id: storeId } } }));
}

/** The figures follow the store's plan: a plan change asks for them again. */
export function useStoreUsage(storeId: string, plan: string) {
  return useQuery({
    queryKey: usageKeys.store(storeId, plan),
    queryFn: () => getStoreUsage(storeId),
  });
}
