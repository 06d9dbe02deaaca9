import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type FleetStatus = Schemas["FleetStatus"];

export function getFleetStatus(): Promise<FleetStatus> {
  return unwrap(api.GET("/api/v1/fleet"));
}

export function useFleetStatus() {
  return useQuery({ queryKey: ["admin", "fleet"], queryFn: getFleetStatus, refetchInterval: 10_000 });
}
