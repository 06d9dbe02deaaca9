import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { backoffInterval } from "@/lib/polling";
import { isTransitional } from "../lib/status";
import { storeKeys } from "./keys";

export function getStore(storeId: string): Promise<Schemas["StoreOut"]> {
  return unwrap(api.GET("/api/v1/stores/{store_id}", { params: { path: { store_id: storeId } } }));
}

export function useStore(storeId: string) {
  return useQuery({
    queryKey: storeKeys.detail(storeId),
    queryFn: () => getStore(storeId),
    refetchInterval: (query) => {
      const store = query.state.data;
      return backoffInterval(
        query,
        store && isTransitional(store.status) ? `${store.status}:${store.updated_at}` : null,
      );
    },
  });
}
