import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type FleetStats = Schemas["FleetStats"];
export type StatsRange = "24h" | "7d" | "30d";

/** The fleet's counts now and its series over the range (admins: the fleet; a tenant: their own). */
export function getFleetStats(range: StatsRange): Promise<FleetStats> {
  return unwrap(api.GET("/api/v1/fleet/stats", { params: { query: { range } } }));
}

/** Refreshed every minute; the previous range stays on screen while the next one loads. */
export function useFleetStats(range: StatsRange) {
  return useQuery({
    queryKey: ["overview", "stats", range],
    queryFn: () => getFleetStats(range),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}
