import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { backoffInterval } from "@/lib/polling";
import { isTransitional, type Engine, type StoreStatus } from "../lib/status";
import { storeKeys } from "./keys";

export type StoreFilters = { status?: StoreStatus; engine?: Engine; q?: string; limit: number; offset: number };

export function listStores(filters: StoreFilters): Promise<Schemas["StoreList"]> {
  return unwrap(api.GET("/api/v1/stores", { params: { query: { ...filters, q: filters.q || undefined } } }));
}

/** What is still moving in a page of stores (null: nothing, so polling stops). */
function inFlight(list: Schemas["StoreList"] | undefined): string | null {
  const moving = (list?.stores ?? []).filter((store) => isTransitional(store.status));
  return moving.length ? moving.map((store) => `${store.id}:${store.status}`).join(",") : null;
}

export function useStores(filters: StoreFilters) {
  return useQuery({
    queryKey: storeKeys.list(filters),
    queryFn: () => listStores(filters),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => backoffInterval(query, inFlight(query.state.data)),
  });
}
