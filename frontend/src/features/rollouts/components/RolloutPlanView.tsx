import { useId } from "react";
import { Link } from "react-router-dom";
import { Alert } from "@/components/ui/alert";
import type { RolloutPlan } from "../api/create-rollout";
import { DiffBlock } from "./DiffBlock";

type RolloutPlanViewProps = { plan: RolloutPlan; stale: boolean };

/** A dry run's answer: the waves it would commit, the stores it leaves out and why, the checks that
 *  ran, and what a sample store's files would look like after it. */
export function RolloutPlanView({ plan, stale }: RolloutPlanViewProps) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="space-y-3 rounded-lg border border-blue-200 bg-blue-50/40 p-4">
      <h3 id={headingId} className="text-base font-semibold">
        Preview: {plan.store_count} {plan.store_count === 1 ? "store" : "stores"} to {plan.change} in{" "}
        {plan.waves.length} {plan.waves.length === 1 ? "wave" : "waves"}
      </h3>
      {stale && (
        <Alert tone="warning">The form has changed since this preview: preview again to see the new plan.</Alert>
      )}
      {plan.add_chart && (
        <p className="text-sm">The chart ships with the platform: the first wave adds it to the fleet repo.</p>
      )}
      <table className="w-full max-w-md text-left text-sm">
        <caption className="sr-only">Planned waves</caption>
        <thead>
          <tr className="text-xs uppercase text-slate-500">
            <th scope="col" className="py-1 pr-2 font-medium">
              Wave
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              Stores
            </th>
            <th scope="col" className="py-1 font-medium">
              Failure budget
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.waves.map((wave) => (
            <tr key={wave.number} className="border-t border-slate-200">
              <td className="py-1 pr-2">{wave.number}</td>
              <td className="py-1 pr-2">{wave.store_count}</td>
              <td className="py-1">{wave.max_failures}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        <h4 className="text-sm font-medium">Left out ({plan.skipped.length})</h4>
        {plan.skipped.length === 0 ? (
          <p className="text-sm text-slate-600">No selected store is left out.</p>
        ) : (
          <ul aria-label="Stores left out" className="text-sm">
            {plan.skipped.map((skipped, index) => (
              <li key={skipped.store_id ?? index}>
                {skipped.store_id ? (
                  <Link className="font-mono text-blue-700 underline" to={`/stores/${skipped.store_id}`}>
                    {skipped.store_id}
                  </Link>
                ) : (
                  "?"
                )}
                : {skipped.reason ?? "left out"}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h4 className="text-sm font-medium">Checks</h4>
        <ul aria-label="Checks" className="text-sm">
          {plan.checks.map((check) => (
            <li key={check}>
              <span aria-hidden="true" className="text-green-700">
                ✓{" "}
              </span>
              {check}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h4 className="text-sm font-medium">What changes in a sample store's files</h4>
        {plan.diff ? (
          <DiffBlock diff={plan.diff} label="Diff of a sample store's files" />
        ) : (
          <p className="text-sm text-slate-600">The rendered files do not change.</p>
        )}
      </div>
    </section>
  );
}
