import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { rolloutKeys } from "./keys";

export type CreateRolloutInput = Omit<Schemas["CreateRolloutRequest"], "dry_run">;
export type Rollout = Schemas["RolloutOut"];
export type RolloutPlan = Schemas["RolloutPlanOut"];

function isPlan(answer: Rollout | RolloutPlan): answer is RolloutPlan {
  return !("id" in answer);
}

/** Validate the rollout and plan its waves; nothing is recorded or committed. */
export async function previewRollout(body: CreateRolloutInput): Promise<RolloutPlan> {
  const answer = await unwrap(api.POST("/api/v1/rollouts", { body: { ...body, dry_run: true } }));
  if (!isPlan(answer)) throw new Error("The platform started a rollout instead of planning one.");
  return answer;
}

/** Record the rollout; the controller commits its first wave. */
export async function createRollout(body: CreateRolloutInput): Promise<Rollout> {
  const answer = await unwrap(api.POST("/api/v1/rollouts", { body: { ...body, dry_run: false } }));
  if (isPlan(answer)) throw new Error("The platform answered with a plan instead of a rollout.");
  return answer;
}

export function usePreviewRollout() {
  return useMutation({ mutationFn: previewRollout });
}

export function useCreateRollout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createRollout,
    // Not seeded into the detail: this answer has no stores per wave; the detail page reads them.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rolloutKeys.lists() }),
  });
}
