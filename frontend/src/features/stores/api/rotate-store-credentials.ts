import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

export type CredentialsRotation = Schemas["CredentialsRotationOut"];

export function rotateStoreCredentials(storeId: string): Promise<CredentialsRotation> {
  return unwrap(api.POST("/api/v1/stores/{store_id}/credentials/rotate", { params: { path: { store_id: storeId } } }));
}

/** Ask for a new admin password; the store's page then follows the rotation until it ends. */
export function useRotateStoreCredentials() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rotateStoreCredentials,
    onSuccess: (rotation, storeId) => {
      queryClient.setQueryData<Schemas["StoreOut"]>(storeKeys.detail(storeId), (store) =>
        store ? { ...store, credentials_rotation: rotation } : store,
      );
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: storeKeys.detail(storeId) }),
        queryClient.invalidateQueries({ queryKey: storeKeys.events(storeId) }),
      ]).then(() => undefined);
    },
  });
}
