import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { SettingChangesTable } from "@/components/SettingChangesTable";
import { Alert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { useRollbackPreview } from "../api/preview-rollback";
import { useRollbackStore } from "../api/rollback-store";
import type { HistoryEntry } from "../api/get-store-history";

type RollbackDialogProps = { storeId: string; commit: HistoryEntry | null; onClose: () => void };

/** Confirm a rollback after seeing exactly which settings it changes. */
export function RollbackDialog({ storeId, commit, onClose }: RollbackDialogProps) {
  const preview = useRollbackPreview(storeId, commit?.sha ?? null);
  const rollback = useRollbackStore();
  const nothingToDo = preview.data !== undefined && preview.data.changes.length === 0 && !preview.data.deletes_store;

  function confirm() {
    if (!commit) return;
    rollback.mutate({ storeId, toCommit: commit.sha }, { onSuccess: onClose });
  }

  return (
    <ConfirmDialog
      open={commit !== null}
      onOpenChange={(open) => {
        if (!open) {
          rollback.reset();
          onClose();
        }
      }}
      title={`Roll back to ${commit?.short_sha ?? ""}?`}
      description="The store gets the settings it had at this commit. This is a new commit: history is kept, nothing is erased."
      confirmLabel="Roll back"
      busy={rollback.isPending}
      confirmDisabled={!preview.data || nothingToDo}
      onConfirm={confirm}
    >
      {preview.isPending && <Skeleton className="h-16 w-full" />}
      <ErrorAlert error={preview.error} title="Cannot preview this rollback" />
      {preview.data?.deletes_store && (
        <Alert tone="warning" title="This deletes the store">
          At this commit the store did not exist yet.
        </Alert>
      )}
      {nothingToDo && (
        <Alert tone="info">The store already has the settings of this commit; nothing would change.</Alert>
      )}
      {preview.data && preview.data.changes.length > 0 && <SettingChangesTable changes={preview.data.changes} />}
      <div className="mt-3">
        <ErrorAlert error={rollback.error} title="The rollback was refused" />
      </div>
    </ConfirmDialog>
  );
}
