import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import {
  useFleetCommits,
  type ActorKind,
  type FleetCommit,
  type FleetLogFilters as Filters,
} from "../api/list-fleet-commits";
import { FleetLogFilters } from "../components/FleetLogFilters";
import { FleetLogTable } from "../components/FleetLogTable";
import { RevertDialog } from "../components/RevertDialog";

const PAGE_SIZE = 50;

function filtersOf(params: URLSearchParams): Filters {
  return {
    tenant: params.get("tenant") || undefined,
    store: params.get("store") || undefined,
    action: params.get("action") || undefined,
    actor: (params.get("actor") || undefined) as ActorKind | undefined,
  };
}

/** Every commit of the fleet repo, newest first; filters and the page are in the URL, so a view can be shared. */
export function FleetLogPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const cursor = Number(params.get("cursor")) || undefined;
  const commits = useFleetCommits({ ...filters, cursor, limit: PAGE_SIZE });
  const [reverting, setReverting] = useState<FleetCommit | null>(null);

  function show(next: Filters & { cursor?: number }) {
    const search = new URLSearchParams();
    Object.entries(next).forEach(([key, value]) => value && search.set(key, String(value)));
    setParams(search);
  }

  return (
    <>
      <PageHeader
        title="Fleet log"
        description="Every commit of the fleet repo, newest first: the platform's, people's pushes, merged pull requests and rollout waves."
      />
      <FleetLogFilters key={params.toString()} values={filters} onApply={show} />
      <ErrorAlert error={commits.error} title="The fleet log could not be loaded" />
      {commits.isPending && <Skeleton className="h-48 w-full" />}
      {commits.data &&
        (commits.data.commits.length === 0 ? (
          <Card>
            <CardContent className="py-8 text-center text-sm">No commits match these filters.</CardContent>
          </Card>
        ) : (
          <FleetLogTable commits={commits.data.commits} onRevert={setReverting} />
        ))}
      <nav aria-label="Pagination" className="flex justify-between gap-2 py-3">
        <Button variant="outline" size="sm" disabled={!cursor} onClick={() => show(filters)}>
          Newest
        </Button>
        <Button
          variant="outline"
          size="sm"
          disabled={!commits.data?.next_cursor}
          onClick={() => show({ ...filters, cursor: commits.data?.next_cursor ?? undefined })}
        >
          Older
        </Button>
      </nav>
      <RevertDialog commit={reverting} onClose={() => setReverting(null)} />
    </>
  );
}
