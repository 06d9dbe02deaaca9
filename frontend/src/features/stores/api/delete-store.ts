import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeChanged } from "./store-changed";

export function deleteStore(storeId: string): Promise<Schemas["StoreOut"]> {
  return unwrap(api.DELETE("/api/v1/stores/{store_id}", { params: { path: { store_id: storeId } } }));
}

export function useDeleteStore() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteStore, onSuccess: (store) => storeChanged(queryClient, store) });
}
