import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { backoffInterval } from "@/lib/polling";
import { isTransitional, rotationInProgress, type Store } from "../lib/status";
import { storeKeys } from "./keys";

export function getStore(storeId: string): Promise<Schemas["StoreOut"]> {
  return unwrap(api.GET("/api/v1/stores/{store_id}", { params: { path: { store_id: storeId } } }));
}

export function useStore(storeId: string) {
  return useQuery({
    queryKey: storeKeys.detail(storeId),
    queryFn: () => getStore(storeId),
    refetchInterval: (query) => backoffInterval(query, inFlight(query.state.data)),
  });
}

/** What the platform is still doing to the store (null: nothing, stop polling). */
function inFlight(store: Store | undefined): string | null {
  if (!store) return null;
  if (isTransitional(store.status)) return `${store.status}:${store.updated_at}`;
  const rotation = store.credentials_rotation;
  return rotation && rotationInProgress(store) ? `rotation:${rotation.generation}:${rotation.state}` : null;
}
