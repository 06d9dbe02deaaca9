import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { fleetLogKeys } from "./list-fleet-commits";
import type { RevertTarget } from "./preview-revert";

/** Revert one commit of a store through the store's rollback: a new commit, nothing erased. */
export function revertCommit({ storeId, sha }: RevertTarget): Promise<Schemas["StoreOut"]> {
  return unwrap(
    api.POST("/api/v1/stores/{store_id}/rollback", {
      params: { path: { store_id: storeId } },
      body: { commit: sha },
    }),
  );
}

export function useRevertCommit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revertCommit,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: fleetLogKeys.all }),
        // the store (its page, its history, the lists) moved to updating
        queryClient.invalidateQueries({ queryKey: ["stores"] }),
      ]),
  });
}
