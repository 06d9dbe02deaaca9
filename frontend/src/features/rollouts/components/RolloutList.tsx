import { Link } from "react-router-dom";
import { formatDateTime } from "@/lib/format";
import { rolloutProgress, type Rollout } from "../lib/status";
import { ProgressBar } from "./ProgressBar";
import { RolloutStateChip } from "./RolloutStateChip";

const COLUMNS = "md:grid-cols-[2fr_1.5fr_1fr_2fr_1fr_2fr]";

/** Stores in waves that passed their gate, out of all the rollout's stores. */
export function RolloutProgress({ rollout }: { rollout: Rollout }) {
  const { done, total } = rolloutProgress(rollout);
  return (
    <ProgressBar
      label={`Progress of rollout ${rollout.id}`}
      total={total}
      segments={[
        { label: "in passed waves", value: done, className: "bg-green-600" },
        { label: "to go", value: Math.max(0, total - done), className: "bg-slate-200" },
      ]}
    />
  );
}

function RolloutSummary({ rollout }: { rollout: Rollout }) {
  return (
    <li className={`grid gap-2 rounded-lg border border-slate-200 bg-white p-3 shadow-sm md:items-start ${COLUMNS}`}>
      <div className="min-w-0">
        <Link
          to={`/rollouts/${rollout.id}`}
          className="break-all font-mono text-sm font-medium text-blue-700 underline-offset-2 hover:underline"
        >
          {rollout.id}
        </Link>
        {rollout.reason && <p className="mt-1 break-words text-xs text-slate-600">{rollout.reason}</p>}
      </div>
      <p className="min-w-0 text-sm">
        <span className="text-slate-500 md:hidden">Change: </span>
        <span className="break-words font-mono">{rollout.change}</span>
      </p>
      <div>
        <span className="sr-only">State: </span>
        <RolloutStateChip state={rollout.state} />
      </div>
      <p className="min-w-0 break-words text-xs text-slate-700">
        <span className="text-slate-500 md:hidden">Created: </span>
        {rollout.created_by}
        <br />
        <time dateTime={rollout.created_at}>{formatDateTime(rollout.created_at)}</time>
      </p>
      <p className="text-sm">
        <span className="text-slate-500 md:hidden">Stores: </span>
        {rollout.store_count}
        <span className="text-slate-500">
          {" "}
          in {rollout.waves.length} {rollout.waves.length === 1 ? "wave" : "waves"}
        </span>
      </p>
      <RolloutProgress rollout={rollout} />
    </li>
  );
}

export function RolloutList({ rollouts }: { rollouts: Rollout[] }) {
  return (
    <div>
      <div
        aria-hidden="true"
        className={`hidden px-3 pb-1 text-xs font-medium uppercase text-slate-500 md:grid ${COLUMNS}`}
      >
        <span>Rollout</span>
        <span>Change</span>
        <span>State</span>
        <span>Created</span>
        <span>Stores</span>
        <span>Progress</span>
      </div>
      <ul aria-label="Rollouts" className="space-y-2">
        {rollouts.map((rollout) => (
          <RolloutSummary key={rollout.id} rollout={rollout} />
        ))}
      </ul>
    </div>
  );
}

export function RolloutListSkeleton() {
  return (
    <div className="space-y-2" aria-busy="true" aria-label="Loading rollouts">
      {[0, 1, 2].map((row) => (
        <div key={row} className="h-16 animate-pulse rounded-lg border border-slate-200 bg-slate-100" />
      ))}
    </div>
  );
}
