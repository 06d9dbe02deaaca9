import { Alert } from "@/components/ui/alert";
import { formatDateTime } from "@/lib/format";
import { describeSelector, failingStores, type Rollout } from "../lib/status";
import { JsonBlock } from "./JsonBlock";
import { RolloutProgress } from "./RolloutList";
import { RolloutStateChip } from "./RolloutStateChip";
import { FailingStoreList } from "./WaveCard";

type GateConfig = {
  soak_seconds?: number;
  probe_path?: string | null;
  canary_max_failures?: number;
  max_failure_percent?: number;
  timeout_seconds?: number | null;
};

function gateInWords(gate: GateConfig): string {
  return [
    `soak ${gate.soak_seconds ?? 0} s`,
    gate.probe_path ? `probe ${gate.probe_path}` : "no probe",
    `canary may fail ${gate.canary_max_failures ?? 0}`,
    `later waves ${gate.max_failure_percent ?? 0} %`,
    gate.timeout_seconds ? `timeout ${gate.timeout_seconds} s` : "the store timeout",
  ].join(" · ");
}

/** Why the rollout stopped, said first: a rolled-back one names the stores that failed its gate. */
export function RolloutStopped({ rollout }: { rollout: Rollout }) {
  if (rollout.state === "rolled_back") {
    const failing = failingStores(rollout.failing);
    return (
      <Alert tone="error" title="Rolled back: a wave failed its gate">
        <p className="break-words">{rollout.reason ?? "The failed wave was reverted."}</p>
        {failing.length > 0 && (
          <div className="mt-2">
            <p className="font-medium">Failing stores</p>
            <FailingStoreList stores={failing} label="Failing stores" />
          </div>
        )}
        <p className="mt-2 text-xs">
          Retry commits the failed wave again once its revert is in; Abort reverts the rest.
        </p>
      </Alert>
    );
  }
  if (rollout.state === "paused")
    return (
      <Alert tone="warning" title="Paused">
        <p className="break-words">{rollout.reason ?? "No further wave is committed until it is resumed."}</p>
      </Alert>
    );
  if (rollout.state === "aborted")
    return (
      <Alert tone="info" title="Aborted">
        <p className="break-words">{rollout.reason ?? "Every committed wave was reverted."}</p>
      </Alert>
    );
  return null;
}

/** What the rollout sets: `chart 1.5.0`, `image 6.7.2`, or a values patch's digest with the patch. */
function RolloutChange({ rollout }: { rollout: Rollout }) {
  const patch = rollout.kind === "values_patch" && typeof rollout.target === "object" ? rollout.target : null;
  return (
    <div className={patch ? "sm:col-span-2" : undefined}>
      <dt className="text-xs text-slate-500">Change</dt>
      <dd>
        <span className="break-words font-mono">{rollout.change}</span>
        {rollout.kind === "chart_version" && rollout.add_chart && (
          <span className="block text-xs text-slate-600">
            The chart ships with the platform: wave 1 adds it to the fleet repo.
          </span>
        )}
        {patch && <JsonBlock value={patch} label="Values patch" />}
      </dd>
    </div>
  );
}

export function RolloutOverview({ rollout }: { rollout: Rollout }) {
  return (
    <dl className="grid gap-3 text-sm sm:grid-cols-2">
      <div>
        <dt className="text-xs text-slate-500">State</dt>
        <dd>
          <RolloutStateChip state={rollout.state} />
        </dd>
      </div>
      <RolloutChange rollout={rollout} />
      <div className="sm:col-span-2">
        <dt className="text-xs text-slate-500">Progress</dt>
        <dd>
          <RolloutProgress rollout={rollout} />
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Stores</dt>
        <dd className="break-words">{describeSelector(rollout.selector)}</dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Steps after the canary</dt>
        <dd>{rollout.steps.map(String).join(", ") || "—"}</dd>
      </div>
      <div className="sm:col-span-2">
        <dt className="text-xs text-slate-500">Gate</dt>
        <dd className="break-words">{gateInWords(rollout.gate as GateConfig)}</dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Created</dt>
        <dd className="break-words">
          {rollout.created_by}, <time dateTime={rollout.created_at}>{formatDateTime(rollout.created_at)}</time>
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">{rollout.finished_at ? "Finished" : "Last change"}</dt>
        <dd>
          <time dateTime={rollout.finished_at ?? rollout.updated_at}>
            {formatDateTime(rollout.finished_at ?? rollout.updated_at)}
          </time>
        </dd>
      </div>
      {rollout.reason && (rollout.state === "running" || rollout.state === "succeeded") && (
        <div className="sm:col-span-2">
          <dt className="text-xs text-slate-500">Reason</dt>
          <dd className="break-words">{rollout.reason}</dd>
        </div>
      )}
    </dl>
  );
}
