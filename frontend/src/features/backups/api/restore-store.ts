import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

/** Restore the store in place from one of its completed backups: the store goes `restoring`. */
export function restoreStore(storeId: string, backup: string): Promise<Schemas["StoreOut"]> {
  return unwrap(
    api.POST("/api/v1/stores/{store_id}/restores", {
      params: { path: { store_id: storeId } },
      body: { backup },
    }),
  );
}

/** The store's own queries (its status, its timeline) are asked for again once the restore is accepted. */
export function useRestoreStore(storeId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (backup: string) => restoreStore(storeId, backup),
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
