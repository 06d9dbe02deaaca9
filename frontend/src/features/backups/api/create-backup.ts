import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { Backup } from "./get-backups";
import { backupKeys } from "./keys";

/** Back the store up now: a Velero Backup made in the cluster from the store's schedule. */
export function createStoreBackup(storeId: string): Promise<Backup> {
  return unwrap(api.POST("/api/v1/stores/{store_id}/backups", { params: { path: { store_id: storeId } } }));
}

export function useCreateBackup(storeId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => createStoreBackup(storeId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: backupKeys.store(storeId) }),
  });
}
