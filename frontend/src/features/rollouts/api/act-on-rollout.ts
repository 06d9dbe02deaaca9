import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import type { RolloutAction } from "../lib/status";
import { rolloutKeys } from "./keys";

type Rollout = Schemas["RolloutOut"];
export type ActOnRolloutInput = { rolloutId: string; action: RolloutAction; reason?: string };

/** pause: commit no further wave · resume · abort: revert every committed wave · retry the failed wave. */
export function actOnRollout({ rolloutId, action, reason }: ActOnRolloutInput): Promise<Rollout> {
  return unwrap(
    api.POST("/api/v1/rollouts/{rollout_id}/{action}", {
      params: { path: { rollout_id: rolloutId, action } },
      body: reason ? { reason } : undefined,
    }),
  );
}

/** Show the new state at once. The answer has no stores per wave: keep the ones already shown until
 *  the refetch brings fresh ones. */
function rolloutChanged(queryClient: QueryClient, rollout: Rollout): Promise<void> {
  queryClient.setQueryData<Rollout>(rolloutKeys.detail(rollout.id), (previous) => ({
    ...rollout,
    waves: rollout.waves.map((wave) => ({
      ...wave,
      stores: wave.stores ?? previous?.waves.find((old) => old.number === wave.number)?.stores ?? null,
    })),
  }));
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: rolloutKeys.detail(rollout.id) }),
    queryClient.invalidateQueries({ queryKey: rolloutKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: rolloutKeys.stores() }),
  ]).then(() => undefined);
}

export function useActOnRollout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: actOnRollout,
    onSuccess: (rollout) => rolloutChanged(queryClient, rollout),
    // Refused (say, the rollout moved on in the meantime): show where it stands now.
    onError: (_error, { rolloutId }) => queryClient.invalidateQueries({ queryKey: rolloutKeys.detail(rolloutId) }),
  });
}
