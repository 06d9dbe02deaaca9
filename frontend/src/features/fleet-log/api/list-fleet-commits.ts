import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type ActorKind = Schemas["ActorKind"];
export type FleetCommit = Schemas["FleetCommitOut"];
export type FleetLogFilters = { tenant?: string; store?: string; action?: string; actor?: ActorKind };
export type FleetLogQuery = FleetLogFilters & { cursor?: number; limit: number };

export const fleetLogKeys = { all: ["fleet-log"] as const, page: (q: FleetLogQuery) => ["fleet-log", q] as const };

export function listFleetCommits(query: FleetLogQuery): Promise<Schemas["FleetCommitPage"]> {
  return unwrap(api.GET("/api/v1/fleet/commits", { params: { query } }));
}

/** One page of the fleet log, newest first (admins). */
export function useFleetCommits(query: FleetLogQuery) {
  return useQuery({
    queryKey: fleetLogKeys.page(query),
    queryFn: () => listFleetCommits(query),
    placeholderData: keepPreviousData,
  });
}
