import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

export function getStoreResources(storeId: string): Promise<Schemas["StoreResources"]> {
  return unwrap(api.GET("/api/v1/stores/{store_id}/resources", { params: { path: { store_id: storeId } } }));
}

export function useStoreResources(storeId: string) {
  return useQuery({
    queryKey: storeKeys.resources(storeId),
    queryFn: () => getStoreResources(storeId),
    refetchInterval: 15_000,
  });
}
