import { useMutation } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type StoreCredentials = Schemas["StoreCredentials"];

export function getStoreCredentials(storeId: string): Promise<StoreCredentials> {
  return unwrap(api.GET("/api/v1/stores/{store_id}/credentials", { params: { path: { store_id: storeId } } }));
}

/** A mutation, not a query: the secret is read on an explicit request and never enters the cache. */
export function useRevealCredentials() {
  return useMutation({ mutationFn: getStoreCredentials, gcTime: 0 });
}
