import { ErrorAlert } from "@/components/ErrorAlert";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { useStoreResources } from "../api/get-store-resources";

/** What runs in the store's namespace: pods and their readiness, and what keeps it from being ready. */
export function ResourcesPanel({ storeId }: { storeId: string }) {
  const resources = useStoreResources(storeId);
  if (resources.isPending) return <Skeleton className="h-20 w-full" />;
  if (resources.error) return <ErrorAlert error={resources.error} title="The cluster could not be read" />;
  const { summary, pods, namespace, namespace_present: present } = resources.data;
  if (!present) return <p className="text-sm text-slate-600">Namespace {namespace} does not exist (yet).</p>;
  return (
    <div className="space-y-3 text-sm">
      <p>
        <Badge tone={summary.ready ? "success" : "warning"}>{summary.ready ? "All ready" : "Not ready"}</Badge>{" "}
        {summary.pods_ready}/{summary.pods} pods ready · namespace <code>{namespace}</code>
      </p>
      {summary.problems.length > 0 && (
        <ul className="list-disc pl-5 text-amber-900">
          {summary.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <ul aria-label="Pods" className="divide-y divide-slate-100">
        {pods.map((pod) => (
          <li key={pod.name} className="flex flex-wrap items-center justify-between gap-2 py-1">
            <span className="break-all font-mono text-xs">{pod.name}</span>
            <span className="text-xs">
              <Badge tone={pod.ready ? "success" : "warning"}>{pod.status}</Badge>
              {pod.restarts > 0 && <span className="ml-1">{pod.restarts} restarts</span>}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
