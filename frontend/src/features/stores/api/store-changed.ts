import type { QueryClient } from "@tanstack/react-query";
import type { Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

/** After any change to a store: show its new state at once and refetch what depends on it. */
export function storeChanged(queryClient: QueryClient, store: Schemas["StoreOut"]): Promise<void> {
  queryClient.setQueryData(storeKeys.detail(store.id), store);
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: storeKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: storeKeys.history(store.id) }),
    queryClient.invalidateQueries({ queryKey: storeKeys.events(store.id) }),
  ]).then(() => undefined);
}
