import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type HealthSummary = Schemas["HealthSummary"];

/** The platform's health in one line, naming no component: what every user may see. */
export function getHealthSummary(): Promise<HealthSummary> {
  return unwrap(api.GET("/api/v1/health/summary"));
}

export function useHealthSummary(enabled: boolean) {
  return useQuery({ queryKey: ["status", "summary"], queryFn: getHealthSummary, refetchInterval: 30_000, enabled });
}
