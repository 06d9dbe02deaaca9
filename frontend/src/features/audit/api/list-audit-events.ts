import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type AuditFilters = { event?: string; store_id?: string; actor_id?: string; limit: number; offset: number };
export type AuditEvent = Schemas["AuditEventOut"];

export function listAuditEvents(filters: AuditFilters): Promise<Schemas["AuditEventList"]> {
  return unwrap(api.GET("/api/v1/audit", { params: { query: filters } }));
}

/** Admins see every event; tenants see their own stores' (the API decides). */
export function useAuditEvents(filters: AuditFilters) {
  return useQuery({
    queryKey: ["audit", filters],
    queryFn: () => listAuditEvents(filters),
    placeholderData: keepPreviousData,
  });
}
