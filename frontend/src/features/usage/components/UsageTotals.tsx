import { formatAmount, formatMoney } from "../lib/format";
import type { UsageGroup } from "../api/get-usage";

function Stat({ label, value, unit }: { label: string; value: string; unit?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">
        {value}
        {unit && <span className="text-sm font-normal text-slate-600"> {unit}</span>}
      </dd>
    </div>
  );
}

/** Every group together, as a row of figures. */
export function UsageTotals({ total }: { total: UsageGroup }) {
  const cost = total.estimated_monthly_cost;
  return (
    <dl aria-label="Totals" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
      <Stat label="Stores" value={String(total.stores)} />
      <Stat
        label="CPU requested"
        value={formatAmount(total.requests.cpu_cores)}
        unit={total.requests.cpu_cores === 1 ? "core" : "cores"}
      />
      <Stat label="Memory requested" value={formatAmount(total.requests.memory_gib)} unit="GiB" />
      <Stat label="Storage" value={formatAmount(total.storage_gib)} unit="GiB" />
      <Stat label="Estimated monthly cost" value={formatMoney(cost.total, cost.currency)} />
    </dl>
  );
}
