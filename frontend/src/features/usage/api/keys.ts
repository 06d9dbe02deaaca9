import type { GroupBy } from "./get-usage";

/** Query keys of the usage feature, in one place. */
export const usageKeys = {
  all: ["usage"] as const,
  report: (groupBy: GroupBy) => [...usageKeys.all, "report", groupBy] as const,
  store: (storeId: string, plan: string) => [...usageKeys.all, "store", storeId, plan] as const,
};
