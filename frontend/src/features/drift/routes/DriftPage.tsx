import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Section } from "@/components/Section";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { isApiError } from "@/lib/api/errors";
import { cn } from "@/lib/utils";
import { useDrift, type DriftReport } from "../api/get-drift";
import { DriftCounts } from "../components/DriftCounts";
import { DriftTable } from "../components/DriftTable";

// To the second: a check made again within the minute shows a new time.
const checkedFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

function checkedAt(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : checkedFormat.format(date);
}

function DriftSkeleton() {
  return (
    <div className="space-y-4">
      <Skeleton className="h-24 w-full" />
      <Skeleton className="h-40 w-full" />
    </div>
  );
}

/** A platform without a cluster has nothing to compare: said as a fact, not as a failure. */
function NoCluster() {
  return (
    <Alert tone="info" title="No cluster is configured">
      No cluster is configured for this platform, so there is nothing to compare with git. Drift can be checked once the
      platform runs with access to a Kubernetes cluster.
    </Alert>
  );
}

function Report({ report }: { report: DriftReport }) {
  return (
    <>
      {(report.unread ?? []).length > 0 && (
        <Alert tone="warning" title="Part of the cluster could not be read">
          <ul className="list-disc pl-5">
            {(report.unread ?? []).map((why) => (
              <li key={why}>{why}</li>
            ))}
          </ul>
        </Alert>
      )}
      <DriftCounts counts={report.counts} />
      {report.items.length === 0 ? (
        <Card>
          <CardContent className="py-8 text-center text-sm text-slate-700">
            No drift: the cluster runs what git says.
          </CardContent>
        </Card>
      ) : (
        <Section title="Stores that differ">
          <DriftTable items={report.items} />
        </Section>
      )}
    </>
  );
}

export function DriftPage() {
  const drift = useDrift();
  const notConfigured = isApiError(drift.error, "CLUSTER_NOT_CONFIGURED");
  const checking = drift.isFetching && !drift.isPending;

  return (
    <>
      <PageHeader
        title="Drift"
        description="Where what runs in the cluster differs from what git says, compared when the page opens and whenever you check again."
        actions={
          <Button variant="outline" onClick={() => void drift.refetch()} disabled={drift.isFetching}>
            {checking ? "Checking…" : "Check again"}
          </Button>
        }
      />
      <div className="space-y-4">
        <p aria-live="polite" className="text-sm text-slate-600">
          {drift.data && (
            <>
              Checked <time dateTime={drift.data.checked_at}>{checkedAt(drift.data.checked_at)}</time>.
            </>
          )}
        </p>
        {notConfigured ? <NoCluster /> : <ErrorAlert error={drift.error} title="Drift could not be checked" />}
        {drift.isPending && <DriftSkeleton />}
        {drift.data && (
          <div aria-busy={checking} className={cn("space-y-4", checking && "opacity-60")}>
            <Report report={drift.data} />
          </div>
        )}
      </div>
    </>
  );
}
