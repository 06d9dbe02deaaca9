import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type RevertTarget = { storeId: string; sha: string };

/** The store's own rollback preview, reverting this one commit (`commit`, not `to_commit`). */
export function previewRevert({ storeId, sha }: RevertTarget): Promise<Schemas["RollbackPreview"]> {
  return unwrap(
    api.GET("/api/v1/stores/{store_id}/rollback/preview", {
      params: { path: { store_id: storeId }, query: { commit: sha } },
    }),
  );
}

/** Fetched only while the confirm dialog is open, and never kept: the store may have moved since. */
export function useRevertPreview(target: RevertTarget | null) {
  return useQuery({
    // Not under the log's keys: invalidating the log after a revert must not refetch this preview.
    queryKey: ["fleet-revert-preview", target?.storeId ?? "", target?.sha ?? ""],
    queryFn: () => previewRevert(target as RevertTarget),
    enabled: target !== null,
    staleTime: 0,
    gcTime: 0,
  });
}
