import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { SettingChangesTable } from "@/components/SettingChangesTable";
import { Alert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import type { FleetCommit } from "../api/list-fleet-commits";
import { useRevertPreview } from "../api/preview-revert";
import { useRevertCommit } from "../api/revert-commit";

type RevertDialogProps = { commit: FleetCommit | null; onClose: () => void };

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
      {preview.data && preview.data.changes.length > 0 && <SettingChangesTable changes={preview.data.changes} />}
      <div className="mt-3">
        <ErrorAlert error={revert.error} title="The revert was refused" />
      </div>
    </ConfirmDialog>
  );
}
