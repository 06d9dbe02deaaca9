import { useState } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { ExternalLink } from "@/components/ExternalLink";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime } from "@/lib/format";
import { useStoreHistory, type HistoryEntry } from "../api/get-store-history";
import { acceptsChanges, type Store } from "../lib/status";
import { RollbackDialog } from "./RollbackDialog";

function CommitSha({ entry }: { entry: HistoryEntry }) {
  const sha = <code className="font-mono text-xs">{entry.short_sha}</code>;
  if (!entry.commit_url) return <span title={entry.sha}>{sha}</span>;
  return (
    <ExternalLink href={entry.commit_url} title={entry.sha}>
      {sha}
    </ExternalLink>
  );
}

/** The store's Git history: each commit is a change, and any earlier one can be returned to. */
export function HistoryList({ store }: { store: Store }) {
  const history = useStoreHistory(store.id, store.last_commit_sha);
  const [target, setTarget] = useState<HistoryEntry | null>(null);
  const canRollBack = acceptsChanges(store.status);

  if (history.isPending) return <Skeleton className="h-24 w-full" />;
  if (history.error) return <ErrorAlert error={history.error} title="The history could not be read" />;
  const commits = history.data.commits;
  if (commits.length === 0)
    return (
      <p className="text-sm text-slate-600">Nothing committed yet; the first commit appears here within seconds.</p>
    );

  return (
    <>
      {!canRollBack && (
        <p className="mb-2 text-xs text-slate-600">A store that is being deleted cannot be rolled back.</p>
      )}
      <ol aria-label="Commits" className="divide-y divide-slate-100">
        {commits.map((entry, index) => (
          <li key={entry.sha} className="flex flex-wrap items-start justify-between gap-2 py-2">
            <div className="min-w-0">
              <p className="text-sm font-medium">
                <CommitSha entry={entry} /> <span className="ml-1">{entry.action}</span>
                {index === 0 && <span className="ml-2 text-xs font-normal text-slate-500">(current)</span>}
              </p>
              <p className="break-words text-xs text-slate-700">{entry.summary}</p>
              <p className="text-xs text-slate-500">
                {entry.actor} · <time dateTime={entry.time}>{formatDateTime(entry.time)}</time>
              </p>
            </div>
            {index > 0 && (
              <Button variant="outline" size="sm" disabled={!canRollBack} onClick={() => setTarget(entry)}>
                Roll back to this commit
              </Button>
            )}
          </li>
        ))}
      </ol>
      <RollbackDialog storeId={store.id} commit={target} onClose={() => setTarget(null)} />
    </>
  );
}
