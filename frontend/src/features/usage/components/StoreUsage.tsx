import { Skeleton } from "@/components/ui/skeleton";
import { useStoreUsage } from "../api/get-store-usage";
import { formatAmount, formatCores, formatMoney } from "../lib/format";

type StoreUsageProps = { storeId: string; plan: string };

function Figure({ label, children }: { label: string; children: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="tabular-nums">{children}</dd>
    </div>
  );
}

/** What one store reserves (its page) and an estimate of its monthly cost. Secondary to the page:
 *  when the figures cannot be read, one quiet line says so and the rest of the page carries on. */
export function StoreUsage({ storeId, plan }: StoreUsageProps) {
  const usage = useStoreUsage(storeId, plan);
  if (usage.isPending) return <Skeleton className="h-16 w-full" />;
  if (usage.error) return <p className="text-sm text-slate-600">The usage figures could not be read.</p>;
  const { requests, limits, storage_gib: storage, estimated_monthly_cost: cost } = usage.data;
  const resources = (cpu: number, memory: number) => `CPU ${formatCores(cpu)} · memory ${formatAmount(memory)} GiB`;
  return (
    <div className="space-y-3 text-sm">
      <dl className="grid gap-3 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <dt className="text-xs text-slate-500">Estimated monthly cost</dt>
          <dd>
            <span className="text-xl font-semibold tabular-nums">{formatMoney(cost.total, cost.currency)}</span>
            <span className="block text-xs text-slate-600">
              CPU {formatMoney(cost.cpu, cost.currency)} · memory {formatMoney(cost.memory, cost.currency)} · storage{" "}
              {formatMoney(cost.storage, cost.currency)}
            </span>
          </dd>
        </div>
        <Figure label="Requests">{resources(requests.cpu_cores, requests.memory_gib)}</Figure>
        <Figure label="Limits">{resources(limits.cpu_cores, limits.memory_gib)}</Figure>
        <Figure label="Storage">{`${formatAmount(storage)} GiB`}</Figure>
      </dl>
      <p className="text-xs text-slate-600">
        {usage.data.source === "opencost"
          ? "The cost OpenCost allocated to the store over the last 30 days; the requests and limits are its plan's."
          : `An estimate from the ${usage.data.plan} plan: requests priced for 730 hours, volumes for a month; limits are a ceiling and are not priced.`}
      </p>
    </div>
  );
}
