import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

export type HistoryEntry = Schemas["HistoryEntryOut"];

export function getStoreHistory(storeId: string): Promise<Schemas["StoreHistory"]> {
  return unwrap(api.GET("/api/v1/stores/{store_id}/history", { params: { path: { store_id: storeId } } }));
}

/** The store's commits in the fleet repo, newest first. Refetched when the store's last commit moves. */
export function useStoreHistory(storeId: string, lastCommitSha: string | null | undefined) {
  return useQuery({
    queryKey: [...storeKeys.history(storeId), lastCommitSha ?? null],
    queryFn: () => getStoreHistory(storeId),
  });
}
