import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { usageKeys } from "./keys";

export type UsageReport = Schemas["UsageReport"];
export type UsageGroup = Schemas["UsageGroup"];
export type GroupBy = UsageReport["group_by"];

/** Live stores' reservations and estimated monthly cost, per tenant or per plan, and in all. */
export function getUsage(groupBy: GroupBy): Promise<UsageReport> {
  return unwrap(api.GET("/api/v1/usage", { params: { query: { group_by: groupBy } } }));
}

/** The previous grouping stays on screen while the next one loads. */
export function useUsage(groupBy: GroupBy) {
  return useQuery({
    queryKey: usageKeys.report(groupBy),
    queryFn: () => getUsage(groupBy),
    placeholderData: keepPreviousData,
  });
}
