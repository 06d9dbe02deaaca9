import type { RolloutFilters } from "./list-rollouts";

/** Query keys of the rollouts feature, in one place so mutations invalidate exactly what they change. */
export const rolloutKeys = {
  all: ["rollouts"] as const,
  lists: () => [...rolloutKeys.all, "list"] as const,
  list: (filters: RolloutFilters) => [...rolloutKeys.lists(), filters] as const,
  detail: (id: string) => [...rolloutKeys.all, "detail", id] as const,
  stores: () => [...rolloutKeys.all, "store"] as const,
  store: (storeId: string) => [...rolloutKeys.stores(), storeId] as const,
};
