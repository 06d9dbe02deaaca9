import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeChanged } from "./store-changed";

export function unpinStore(storeId: string): Promise<Schemas["StoreOut"]> {
  return unwrap(api.DELETE("/api/v1/stores/{store_id}/pin", { params: { path: { store_id: storeId } } }));
}

export function useUnpinStore() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: unpinStore, onSuccess: (store) => storeChanged(queryClient, store) });
}
