import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Alert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import type { FleetCommit } from "../api/list-fleet-commits";
import { useRevertPreview } from "../api/preview-revert";
import { useRevertCommit } from "../api/revert-commit";

type RevertDialogProps = { commit: FleetCommit | null; onClose: () => void };

function shown(value: string | null): string {
  return value ?? "(none)";
}

/** Confirm reverting one store's commit after seeing, from the store's rollback preview, what it changes. */
export function RevertDialog({ commit, onClose }: RevertDialogProps) {
  const storeId = commit?.stores[0]?.id ?? null;
  const target = commit && storeId ? { storeId, sha: commit.sha } : null;
  const preview = useRevertPreview(target);
  const revert = useRevertCommit();
  const nothingToDo = preview.data !== undefined && preview.data.changes.length === 0 && !preview.data.deletes_store;

  function confirm() {
    if (target) revert.mutate(target, { onSuccess: onClose });
  }

  return (
    <ConfirmDialog
      open={commit !== null}
      onOpenChange={(open) => {
        if (!open) {
          revert.reset();
          onClose();
        }
      }}
      title={`Revert ${commit?.short_sha ?? ""}?`}
      description={`Store ${storeId ?? ""} gets a new commit that undoes this one; later changes are kept and history is not erased.`}
      confirmLabel="Revert"
      destructive={preview.data?.deletes_store}
      busy={revert.isPending}
      confirmDisabled={!preview.data || nothingToDo}
      onConfirm={confirm}
    >
      {preview.isPending && <Skeleton className="h-16 w-full" />}
      <ErrorAlert error={preview.error} title="Cannot preview this revert" />
      {preview.data?.deletes_store && (
        <Alert tone="warning" title="This deletes the store">
          This commit created the store: reverting it removes the store.
        </Alert>
      )}
      {nothingToDo && <Alert tone="info">Reverting this commit would change nothing now.</Alert>}
      {preview.data && preview.data.changes.length > 0 && (
        <table className="w-full text-left text-sm" aria-label="What changes">
          <thead>
            <tr className="text-xs uppercase text-slate-600">
              <th className="py-1 pr-2 font-medium">Setting</th>
              <th className="py-1 pr-2 font-medium">Now</th>
              <th className="py-1 font-medium">After</th>
            </tr>
          </thead>
          <tbody>
            {preview.data.changes.map((change) => (
              <tr key={change.field} className="border-t border-slate-100">
                <td className="py-1 pr-2 font-medium">{change.field}</td>
                <td className="py-1 pr-2 text-red-800 line-through">{shown(change.current)}</td>
                <td className="py-1 text-green-800">{shown(change.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="mt-3">
        <ErrorAlert error={revert.error} title="The revert was refused" />
      </div>
    </ConfirmDialog>
  );
}
