import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";
import { storeChanged } from "./store-changed";

export type StoreDeletion = Schemas["StoreDeletion"];

/** What a delete keeps: a final backup (unset: the platform's default), and (admins) the volumes. */
export type DeleteOptions = { storeId: string; keepBackup?: boolean; retainVolumes?: boolean };

export function deleteStore({ storeId, keepBackup, retainVolumes }: DeleteOptions): Promise<StoreDeletion> {
  const query = {
    ...(keepBackup === undefined ? {} : { keep_backup: keepBackup }),
    ...(retainVolumes ? { retain_volumes: true } : {}),
  };
  return unwrap(api.DELETE("/api/v1/stores/{store_id}", { params: { path: { store_id: storeId }, query } }));
}

export function useDeleteStore() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteStore, onSuccess: (store) => storeChanged(queryClient, store) });
}

/** Whether the platform backs stores up (what the delete's "keep last backup" defaults to), read
 *  from the store's backups list only while the delete dialog is open; null while unknown. */
export function useBackupsEnabled(storeId: string, open: boolean): boolean | null {
  const backups = useQuery({
    queryKey: storeKeys.backupsEnabled(storeId),
    queryFn: () => unwrap(api.GET("/api/v1/stores/{store_id}/backups", { params: { path: { store_id: storeId } } })),
    enabled: open,
    retry: false,
  });
  return backups.data ? backups.data.enabled : null;
}
