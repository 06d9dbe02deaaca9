import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { backupKeys } from "./keys";

export type Backup = Schemas["BackupOut"];
export type BackupList = Schemas["BackupList"];

/** The store's Velero backups, newest first, as the cluster reports them (its owner or an admin). */
export function getStoreBackups(storeId: string): Promise<BackupList> {
  return unwrap(api.GET("/api/v1/stores/{store_id}/backups", { params: { path: { store_id: storeId } } }));
}

/** A backup in progress moves on its own: while one is, the list is asked for again every few seconds. */
export function useStoreBackups(storeId: string) {
  return useQuery({
    queryKey: backupKeys.store(storeId),
    queryFn: () => getStoreBackups(storeId),
    retry: false,
    refetchInterval: (query) =>
      query.state.data?.backups.some((backup) => !FINISHED.has(backup.phase)) ? 5000 : false,
  });
}

/** Velero's phases a backup ends in. */
export const FINISHED = new Set(["Completed", "PartiallyFailed", "Failed", "FailedValidation", "Deleting"]);
