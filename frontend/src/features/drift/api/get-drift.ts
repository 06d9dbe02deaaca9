import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { driftKeys } from "./keys";

export type DriftReport = Schemas["DriftReport"];
export type DriftItem = Schemas["DriftItem"];

/** Where the cluster differs from git, fleet-wide, checked at the time of the call (admins). */
export function getDrift(): Promise<DriftReport> {
  return unwrap(api.GET("/api/v1/drift"));
}

/** Each check reads the cluster: asked for on the page's visit and when a person asks again, never polled. */
export function useDrift() {
  return useQuery({ queryKey: driftKeys.report(), queryFn: getDrift });
}
