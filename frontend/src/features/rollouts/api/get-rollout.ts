import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { isActive } from "../lib/status";
import { rolloutKeys } from "./keys";

/** One rollout with its waves and each wave's stores (status, version, error). */
export function getRollout(rolloutId: string): Promise<Schemas["RolloutOut"]> {
  return unwrap(api.GET("/api/v1/rollouts/{rollout_id}", { params: { path: { rollout_id: rolloutId } } }));
}

export const DETAIL_POLL_MS = 2_000;

export function useRollout(rolloutId: string) {
  return useQuery({
    queryKey: rolloutKeys.detail(rolloutId),
    queryFn: () => getRollout(rolloutId),
    // The controller moves a running (or paused: its current gate still runs) rollout on its own.
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.state) ? DETAIL_POLL_MS : false),
  });
}
