import { DRIFT_KINDS, KINDS } from "../lib/kinds";
import type { DriftReport } from "../api/get-drift";

/** The stores counted for each kind of drift, each with what it means. */
export function DriftCounts({ counts }: { counts: DriftReport["counts"] }) {
  return (
    <dl aria-label="Drift counts" className="grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {DRIFT_KINDS.map((kind) => (
        <div key={kind} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
          <dt className="text-xs text-slate-500">{KINDS[kind].title}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">{counts[kind] ?? 0}</dd>
          <dd className="mt-1 text-xs text-slate-600">{KINDS[kind].explanation}</dd>
        </div>
      ))}
    </dl>
  );
}
