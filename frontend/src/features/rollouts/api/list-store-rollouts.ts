import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { rolloutKeys } from "./keys";

export type StoreRollout = Schemas["StoreRolloutOut"];

/** The rollouts that touched one store, newest first (its owner or an admin may read them). */
export function listStoreRollouts(storeId: string): Promise<StoreRollout[]> {
  return unwrap(api.GET("/api/v1/stores/{store_id}/rollouts", { params: { path: { store_id: storeId } } }));
}

/** Refetched when the store's last commit moves (a wave's commit or its revert is one). */
export function useStoreRollouts(storeId: string, lastCommitSha: string | null | undefined) {
  return useQuery({
    queryKey: [...rolloutKeys.store(storeId), lastCommitSha ?? null],
    queryFn: () => listStoreRollouts(storeId),
    placeholderData: (previous) => previous,
  });
}
