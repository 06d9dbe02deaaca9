import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { isActive, type RolloutState } from "../lib/status";
import { rolloutKeys } from "./keys";

export type RolloutFilters = { state?: RolloutState; limit: number; offset: number };

/** Rollouts, newest first, with their waves (without each wave's stores). */
export function listRollouts(filters: RolloutFilters): Promise<Schemas["RolloutList"]> {
  return unwrap(api.GET("/api/v1/rollouts", { params: { query: filters } }));
}

export const LIST_POLL_MS = 5_000;

export function useRollouts(filters: RolloutFilters) {
  return useQuery({
    queryKey: rolloutKeys.list(filters),
    queryFn: () => listRollouts(filters),
    placeholderData: keepPreviousData,
    // While a shown rollout still moves (running or paused), its progress is refreshed.
    refetchInterval: (query) =>
      (query.state.data?.items ?? []).some((rollout) => isActive(rollout.state)) ? LIST_POLL_MS : false,
  });
}
