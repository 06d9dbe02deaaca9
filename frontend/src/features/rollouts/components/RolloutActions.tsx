import { useState } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useActOnRollout } from "../api/act-on-rollout";
import { allowedActions, type Rollout, type RolloutAction } from "../lib/status";

const LABELS: Record<RolloutAction, string> = { pause: "Pause", resume: "Resume", retry: "Retry", abort: "Abort" };
const BUSY: Record<RolloutAction, string> = {
  pause: "Pausing…",
  resume: "Resuming…",
  retry: "Retrying…",
  abort: "Aborting…",
};
const REFUSED: Record<RolloutAction, string> = {
  pause: "The rollout could not be paused",
  resume: "The rollout could not be resumed",
  retry: "The wave could not be retried",
  abort: "The rollout could not be aborted",
};
const HINTS: Record<RolloutAction, string> = {
  pause: "Commit no further wave; the current wave's gate still runs.",
  resume: "Go on with the next wave.",
  retry: "Commit the failed wave again (once its revert is in) and go on.",
  abort: "Revert every wave committed so far.",
};

/** Pause, resume, retry or abort, as the rollout's state allows; abort asks first. */
export function RolloutActions({ rollout }: { rollout: Rollout }) {
  const act = useActOnRollout();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const actions = allowedActions(rollout.state);
  const pending = act.isPending ? act.variables?.action : undefined;
  const committed = rollout.waves.filter((wave) => wave.commit_sha && !wave.revert_sha).length;

  function run(action: RolloutAction, why?: string) {
    act.mutate(
      { rolloutId: rollout.id, action, reason: why },
      { onSuccess: () => (action === "abort" ? close(false) : undefined) },
    );
  }

  function openConfirm() {
    act.reset();
    setConfirming(true);
  }

  function close(open: boolean) {
    setConfirming(open);
    if (!open) setReason("");
  }

  const failedAction = act.variables?.action;
  return (
    <div className="space-y-2">
      {actions.length > 0 && (
        <div className="flex flex-wrap gap-2" role="group" aria-label="Rollout actions">
          {actions.map((action) => (
            <Button
              key={action}
              variant={action === "abort" ? "destructive" : action === "pause" ? "outline" : "default"}
              title={HINTS[action]}
              disabled={act.isPending}
              onClick={() => (action === "abort" ? openConfirm() : run(action))}
            >
              {pending === action ? BUSY[action] : LABELS[action]}
            </Button>
          ))}
        </div>
      )}
      {!confirming && failedAction && <ErrorAlert error={act.error} title={REFUSED[failedAction]} />}
      <ConfirmDialog
        open={confirming}
        onOpenChange={(open) => {
          close(open);
          if (!open) act.reset();
        }}
        title={`Abort rollout ${rollout.id}?`}
        description={
          committed > 0
            ? `Every wave committed so far is reverted, one commit each (${committed} ${committed === 1 ? "wave" : "waves"}): those stores go back to the version they had. No further wave is committed.`
            : "No wave is committed yet: nothing is reverted, and no wave will be committed."
        }
        confirmLabel="Abort rollout"
        destructive
        busy={act.isPending}
        onConfirm={() => run("abort", reason.trim() || undefined)}
      >
        <Field label="Reason (optional)" hint="Recorded in the rollout and the audit log.">
          {(control) => (
            <Input
              {...control}
              value={reason}
              maxLength={500}
              autoComplete="off"
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
        <ErrorAlert error={act.error} title={REFUSED.abort} />
      </ConfirmDialog>
    </div>
  );
}
