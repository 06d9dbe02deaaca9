import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeChanged } from "./store-changed";

export type UpdateStoreInput = { storeId: string; changes: Schemas["UpdateStoreRequest"] };

export function updateStore({ storeId, changes }: UpdateStoreInput): Promise<Schemas["StoreOut"]> {
  return unwrap(api.PATCH("/api/v1/stores/{store_id}", { params: { path: { store_id: storeId } }, body: changes }));
}

export function useUpdateStore() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateStore, onSuccess: (store) => storeChanged(queryClient, store) });
}
