import { lazy, Suspense } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Alert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/lib/session";
import { useFleetStats, type StatsRange } from "../api/get-fleet-stats";
import { RangeSwitch, RANGES } from "../components/RangeSwitch";
import { StatCards } from "../components/StatCards";

// uPlot and the charts: their own chunk, fetched when the overview first shows data.
const OverviewCharts = lazy(() => import("../components/OverviewCharts"));

function rangeOf(value: string | null): StatsRange {
  return RANGES.find((range) => range.value === value)?.value ?? "24h";
}

function ChartsLoading() {
  return (
    <div aria-busy="true" aria-label="Loading charts" className="grid gap-4 lg:grid-cols-2">
      <Skeleton className="h-72 w-full" />
      <Skeleton className="h-72 w-full" />
    </div>
  );
}

/** The landing page: the fleet (admins) or your stores (tenants) now, and how they moved over a range. */
export function OverviewPage() {
  const session = useSession();
  const isAdmin = session?.user.role === "admin";
  const [params, setParams] = useSearchParams();
  const range = rangeOf(params.get("range"));
  const stats = useFleetStats(range);
  return (
    <>
      <PageHeader
        title={isAdmin ? "Fleet overview" : "Your stores"}
        description={isAdmin ? "Every tenant's stores, now and over time." : "Your stores, now and over time."}
        actions={<RangeSwitch value={range} onChange={(next) => setParams({ range: next }, { replace: true })} />}
      />
      <ErrorAlert error={stats.error} title="The overview could not be read" />
      {stats.isPending && (
        <div aria-busy="true" aria-label="Loading the overview" className="space-y-4">
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-72 w-full" />
        </div>
      )}
      {stats.data && (
        <div className="space-y-6">
          {stats.data.counts.total === 0 && (
            <Alert tone="info" title="No stores yet">
              <Link className="underline" to="/stores/new">
                Create a store
              </Link>{" "}
              and its numbers will show here.
            </Alert>
          )}
          <StatCards counts={stats.data.counts} />
          <section aria-labelledby="overview-charts" className="space-y-3">
            <h2 id="overview-charts" className="text-lg font-semibold">
              Over the last {RANGES.find((r) => r.value === range)?.label}
            </h2>
            <Suspense fallback={<ChartsLoading />}>
              <OverviewCharts stats={stats.data} />
            </Suspense>
          </section>
        </div>
      )}
    </>
  );
}
