import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeChanged } from "./store-changed";

export type RollbackInput = { storeId: string; toCommit: string };

/** Give the store the settings it had at `toCommit` (every later change undone, as a new commit). */
export function rollbackStore({ storeId, toCommit }: RollbackInput): Promise<Schemas["StoreOut"]> {
  return unwrap(
    api.POST("/api/v1/stores/{store_id}/rollback", {
      params: { path: { store_id: storeId } },
      body: { to_commit: toCommit },
    }),
  );
}

export function useRollbackStore() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: rollbackStore, onSuccess: (store) => storeChanged(queryClient, store) });
}
