import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

export type RollbackPreview = Schemas["RollbackPreview"];

export function previewRollback(storeId: string, toCommit: string): Promise<RollbackPreview> {
  return unwrap(
    api.GET("/api/v1/stores/{store_id}/rollback/preview", {
      params: { path: { store_id: storeId }, query: { to_commit: toCommit } },
    }),
  );
}

/** What rolling back to `toCommit` would change; fetched only while the confirm dialog is open. */
export function useRollbackPreview(storeId: string, toCommit: string | null) {
  return useQuery({
    queryKey: storeKeys.rollbackPreview(storeId, toCommit ?? ""),
    queryFn: () => previewRollback(storeId, toCommit ?? ""),
    enabled: toCommit !== null,
    staleTime: 0,
    gcTime: 0,
  });
}
