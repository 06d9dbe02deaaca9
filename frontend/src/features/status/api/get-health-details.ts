import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type HealthReport = Schemas["HealthReport"];

function isHealthReport(value: unknown): value is HealthReport {
  const v = value as Partial<HealthReport> | null;
  return typeof v?.status === "string" && typeof v.checks === "object" && v.checks !== null;
}

/** The full report, for admins: which component is not healthy. A 503 carries the same report. */
export async function getHealthDetails(): Promise<HealthReport> {
  const result = await api.GET("/api/v1/health");
  if (result.response.status === 503 && isHealthReport(result.error)) return result.error;
  return unwrap(Promise.resolve(result));
}

export function useHealthDetails(enabled: boolean) {
  return useQuery({ queryKey: ["status", "details"], queryFn: getHealthDetails, refetchInterval: 30_000, enabled });
}
