import { useState } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useSession } from "@/lib/session";
import { useBackupsEnabled, useDeleteStore } from "../api/delete-store";
import { useRetryStore } from "../api/retry-store";
import type { Store } from "../lib/status";

export function RetryButton({ store }: { store: Store }) {
  const retry = useRetryStore();
  if (store.status !== "failed") return null;
  return (
    <div className="space-y-2">
      <ErrorAlert error={retry.error} title="The retry was refused" />
      <Button onClick={() => retry.mutate(store.id)} disabled={retry.isPending}>
        {retry.isPending ? "Retrying…" : "Retry provisioning"}
      </Button>
    </div>
  );
}

// What a final backup can be taken of (the API refuses the others); by default only a running store's.
const BACKUPABLE = new Set(["ready", "degraded", "failed"]);
const RUNNING = new Set(["ready", "degraded"]);

type Choice = { checked: boolean; onChange: (next: boolean) => void; disabled?: boolean };

function Checkbox({ label, hint, checked, onChange, disabled }: Choice & { label: string; hint: string }) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input
        type="checkbox"
        className="mt-1"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>
        {label}
        <span className="block text-xs text-slate-600">{hint}</span>
      </span>
    </label>
  );
}

function keepHint(enabled: boolean | null, status: string): string {
  if (enabled === null) return "Checking whether the platform backs stores up…";
  if (!enabled) return "Backups are not turned on for this platform: nothing is kept.";
  if (!BACKUPABLE.has(status))
    return "Only a running store is backed up; its scheduled backups stay until they expire.";
  return "A final backup is taken before anything is removed and kept after the store is gone, so it can come back as a new store from it. The removal waits for it; if it fails, nothing is removed.";
}

/** Deleting needs the store's name typed in full: a slip of the mouse must not remove a shop. What it
 *  keeps is chosen here: a final backup (checked by default when backups are on and the store runs)
 *  and, for admins, its volumes. */
export function DeleteStore({ store }: { store: Store }) {
  const session = useSession();
  const isAdmin = session?.user.role === "admin";
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [keepChoice, setKeepChoice] = useState<boolean | null>(null); // null: the default
  const [retainVolumes, setRetainVolumes] = useState(false);
  const enabled = useBackupsEnabled(store.id, open);
  const remove = useDeleteStore();
  if (store.status === "deleting" || store.status === "deleted") return null;

  const canKeep = enabled === true && BACKUPABLE.has(store.status);
  const keep = canKeep && (keepChoice ?? RUNNING.has(store.status));

  function close(next: boolean) {
    setOpen(next);
    if (!next) {
      setTyped("");
      setKeepChoice(null);
      setRetainVolumes(false);
      remove.reset();
    }
  }

  function confirm() {
    const keepBackup = enabled === null ? undefined : keep; // unknown: the platform's default
    remove.mutate({ storeId: store.id, keepBackup, retainVolumes }, { onSuccess: () => close(false) });
  }

  return (
    <>
      <Button variant="destructive" onClick={() => setOpen(true)}>
        Delete store
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={close}
        title={`Delete ${store.name}?`}
        description="The store, its database and its files are removed from the cluster. The deletion is a commit in the fleet repo."
        confirmLabel="Delete this store"
        destructive
        busy={remove.isPending}
        confirmDisabled={typed !== store.name}
        onConfirm={confirm}
      >
        <div className="space-y-2">
          <Checkbox
            label="Keep last backup"
            hint={keepHint(enabled, store.status)}
            checked={keep}
            disabled={!canKeep}
            onChange={setKeepChoice}
          />
          {isAdmin && (
            <Checkbox
              label="Retain volumes"
              hint="Its volumes are set to Retain and outlive the store, Released, until an operator reuses or frees them."
              checked={retainVolumes}
              onChange={setRetainVolumes}
            />
          )}
        </div>
        <Field label={`Type ${store.name} to confirm`}>
          {(control) => (
            <Input {...control} autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
          )}
        </Field>
        <ErrorAlert error={remove.error} title="The deletion was refused" />
      </ConfirmDialog>
    </>
  );
}
