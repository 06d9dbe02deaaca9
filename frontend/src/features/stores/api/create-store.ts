import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

export type CreateStoreInput = Schemas["CreateStoreRequest"];

export function createStore(body: CreateStoreInput): Promise<Schemas["StoreOut"]> {
  return unwrap(api.POST("/api/v1/stores", { body }));
}

export function useCreateStore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createStore,
    onSuccess: (store) => {
      queryClient.setQueryData(storeKeys.detail(store.id), store);
      return queryClient.invalidateQueries({ queryKey: storeKeys.lists() });
    },
  });
}
