import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

export type AuditEvent = Schemas["AuditEventOut"];

/** The store's audit trail, the source of its status timeline. */
export function getStoreEvents(storeId: string): Promise<Schemas["AuditEventList"]> {
  return unwrap(api.GET("/api/v1/audit", { params: { query: { store_id: storeId, limit: 200 } } }));
}

export function useStoreEvents(storeId: string, storeVersion: string | undefined) {
  return useQuery({
    // The store's updated_at in the key: the timeline follows every status change the poll sees.
    queryKey: [...storeKeys.events(storeId), storeVersion ?? null],
    queryFn: () => getStoreEvents(storeId),
    placeholderData: (previous) => previous,
  });
}
