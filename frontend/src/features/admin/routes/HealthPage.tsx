import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Alert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { useHealth } from "../api/get-health";
import { FleetStatusCard } from "../components/FleetStatusCard";
import { CHECK_ORDER, HealthCheckCard } from "../components/HealthChecks";

/** Known components first, in the order a request flows through them; anything new after them. */
function rank(name: string): number {
  const index = CHECK_ORDER.indexOf(name);
  return index === -1 ? CHECK_ORDER.length : index;
}

export function HealthPage() {
  const health = useHealth();
  return (
    <>
      <PageHeader title="Platform health" description="Refreshed every 10 seconds." />
      <ErrorAlert error={health.error} title="The health report could not be read" />
      {health.isPending && <Skeleton className="h-40 w-full" />}
      {health.data && (
        <div className="space-y-4">
          {health.data.status === "ok" ? (
            <Alert tone="success" title="All systems working">
              Version {health.data.version}.
            </Alert>
          ) : (
            <Alert tone="warning" title="Something needs attention">
              At least one component below is degraded or down. Version {health.data.version}.
            </Alert>
          )}
          <div className="grid gap-4 md:grid-cols-2">
            {Object.entries(health.data.checks)
              .sort(([a], [b]) => rank(a) - rank(b))
              .map(([name, check]) => (
                <HealthCheckCard key={name} name={name} check={check} />
              ))}
            <FleetStatusCard />
          </div>
        </div>
      )}
    </>
  );
}
