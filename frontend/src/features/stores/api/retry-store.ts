import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeChanged } from "./store-changed";

export function retryStore(storeId: string): Promise<Schemas["StoreOut"]> {
  return unwrap(api.POST("/api/v1/stores/{store_id}/retry", { params: { path: { store_id: storeId } } }));
}

export function useRetryStore() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: retryStore, onSuccess: (store) => storeChanged(queryClient, store) });
}
