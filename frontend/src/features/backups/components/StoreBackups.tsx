import { useState } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { isApiError } from "@/lib/api/errors";
import { formatDateTime } from "@/lib/format";
import { useCreateBackup } from "../api/create-backup";
import { useStoreBackups, type Backup } from "../api/get-backups";
import { useRestoreStore } from "../api/restore-store";

type StoreBackupsProps = { storeId: string; storeName: string; status: string };

// What the API accepts: a backup of a running store, a restore of a running or failed one.
const BACKUPABLE = new Set(["ready", "degraded"]);
const RESTORABLE = new Set(["ready", "degraded", "failed"]);

const PHASE_TONES: Record<string, BadgeTone> = {
  Completed: "success",
  PartiallyFailed: "warning",
  Failed: "danger",
  FailedValidation: "danger",
};

const DISABLED = "Backups are not turned on for this platform.";

/** Why the list is not there, in plain words, when that is a fact of the platform and not a failure. */
function unavailable(error: unknown): string | null {
  if (isApiError(error, "CLUSTER_NOT_CONFIGURED"))
    return "No cluster is configured for this platform, so there are no backups to show.";
  if (isApiError(error, "VELERO_NOT_INSTALLED")) return "The cluster does not run Velero, which takes the backups.";
  return null;
}

function when(backup: Backup): string {
  const at = backup.completed_at ?? backup.started_at ?? backup.created_at;
  return at ? formatDateTime(at) : "not started yet";
}

const TRIGGERS: Record<Backup["trigger"], string> = {
  schedule: "Scheduled",
  on_demand: "Asked for",
  deletion: "Final backup, taken at the delete",
};

function RestoreButton({ storeId, storeName, status, backup }: StoreBackupsProps & { backup: Backup }) {
  const [open, setOpen] = useState(false);
  const restore = useRestoreStore(storeId);
  if (backup.phase !== "Completed" || status === "deleted") return null;

  function close(next: boolean) {
    setOpen(next);
    if (!next) restore.reset();
  }

  return (
    <>
      <Button variant="outline" size="sm" disabled={!RESTORABLE.has(status)} onClick={() => setOpen(true)}>
        Restore
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={close}
        title={`Restore ${storeName} from ${backup.name}?`}
        description={`The store is emptied and its data replaced by this backup's, taken ${when(backup)}: orders, products and accounts since then are lost. The shop is offline until the restore ends; each step is a commit in the fleet repo.`}
        confirmLabel="Restore from this backup"
        destructive
        busy={restore.isPending}
        onConfirm={() => restore.mutate(backup.name, { onSuccess: () => close(false) })}
      >
        <ErrorAlert error={restore.error} title="The restore was refused" />
      </ConfirmDialog>
    </>
  );
}

function BackupRow(props: StoreBackupsProps & { backup: Backup }) {
  const { backup } = props;
  return (
    <tr className="border-t border-slate-200 align-top">
      <td className="py-2 pr-3">
        <span className="block break-all font-mono text-xs">{backup.name}</span>
        <span className="block text-xs text-slate-600">
          {TRIGGERS[backup.trigger]} · {when(backup)}
        </span>
        {backup.kept && (
          <span className="mt-1 block">
            <Badge tone="success">Kept</Badge>
          </span>
        )}
        {backup.failure_reason && <span className="block text-xs text-red-800">{backup.failure_reason}</span>}
      </td>
      <td className="py-2 pr-3">
        <Badge tone={PHASE_TONES[backup.phase] ?? "info"}>{backup.phase || "New"}</Badge>
      </td>
      <td className="py-2 pr-3 text-xs text-slate-600">
        {backup.expires_at ? formatDateTime(backup.expires_at) : "—"}
      </td>
      <td className="py-2 text-right">
        <RestoreButton {...props} />
      </td>
    </tr>
  );
}

/** The store's backups (its Velero Backups, newest first), one more on request, and a restore from a
 *  completed one. Secondary to the page: when backups are off, one quiet line says so. */
export function StoreBackups(props: StoreBackupsProps) {
  const { storeId, status } = props;
  const backups = useStoreBackups(storeId);
  const create = useCreateBackup(storeId);
  if (backups.isPending) return <Skeleton className="h-16 w-full" />;
  const reason = unavailable(backups.error);
  if (reason) return <p className="text-sm text-slate-600">{reason}</p>;
  if (backups.error) return <ErrorAlert error={backups.error} title="The backups could not be read" />;
  if (!backups.data.enabled) return <p className="text-sm text-slate-600">{DISABLED}</p>;
  const list = backups.data.backups;
  return (
    <div className="space-y-3 text-sm">
      {status === "deleted" ? (
        <p className="text-xs text-slate-600">
          The store is deleted. Its backups stay until they expire, the kept final backup longest: a new store is made
          from one with <code>POST /api/v1/stores</code> and <code>restore_from</code>.
        </p>
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <Button onClick={() => create.mutate()} disabled={!BACKUPABLE.has(status) || create.isPending}>
            {create.isPending ? "Asking Velero…" : "Back up now"}
          </Button>
          <span className="text-xs text-slate-600">
            Taken on a schedule by Velero ({backups.data.schedule}); a backup asked for now is one more.
          </span>
        </div>
      )}
      <ErrorAlert error={create.error} title="The backup was refused" />
      {list.length === 0 ? (
        <p className="text-slate-600">No backup yet.</p>
      ) : (
        <table aria-label="Backups" className="w-full text-left">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-medium">Backup</th>
              <th className="py-1 pr-3 font-medium">Phase</th>
              <th className="py-1 pr-3 font-medium">Kept until</th>
              <th className="py-1 font-medium">
                <span className="sr-only">Restore</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((backup) => (
              <BackupRow key={backup.name} {...props} backup={backup} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
