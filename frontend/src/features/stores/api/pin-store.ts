import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeChanged } from "./store-changed";

export type PinInput = { storeId: string; reason: string };

export function pinStore({ storeId, reason }: PinInput): Promise<Schemas["StoreOut"]> {
  return unwrap(
    api.PUT("/api/v1/stores/{store_id}/pin", { params: { path: { store_id: storeId } }, body: { reason } }),
  );
}

export function usePinStore() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: pinStore, onSuccess: (store) => storeChanged(queryClient, store) });
}
