import { ErrorAlert } from "@/components/ErrorAlert";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { shortSha } from "@/lib/format";
import { useFleetStatus } from "../api/get-fleet-status";

export function FleetStatusCard() {
  const fleet = useFleetStatus();
  return (
    <Card>
      <CardHeader>
        <CardTitle>Fleet repository</CardTitle>
      </CardHeader>
      <CardContent>
        {fleet.isPending && <Skeleton className="h-20 w-full" />}
        <ErrorAlert error={fleet.error} title="The fleet status could not be read" />
        {fleet.data && (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-500">remote</dt>
            <dd className="break-all">
              {fleet.data.remote} ({fleet.data.branch})
            </dd>
            <dt className="text-slate-500">last pushed</dt>
            <dd className="font-mono">{shortSha(fleet.data.last_pushed_sha)}</dd>
            <dt className="text-slate-500">outbox depth</dt>
            <dd>{fleet.data.outbox_depth}</dd>
            <dt className="text-slate-500">writer in the API process</dt>
            <dd>{fleet.data.writer_active ? "running" : "no (runs separately)"}</dd>
            {fleet.data.sync_error && (
              <>
                <dt className="text-slate-500">sync error</dt>
                <dd className="text-red-800">{fleet.data.sync_error}</dd>
              </>
            )}
          </dl>
        )}
      </CardContent>
    </Card>
  );
}
