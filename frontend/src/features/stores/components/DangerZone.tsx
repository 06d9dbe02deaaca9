import { useState } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useDeleteStore } from "../api/delete-store";
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

/** Deleting needs the store's name typed in full: a slip of the mouse must not remove a shop. */
export function DeleteStore({ store }: { store: Store }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const remove = useDeleteStore();
  if (store.status === "deleting" || store.status === "deleted") return null;

  function close(next: boolean) {
    setOpen(next);
    if (!next) {
      setTyped("");
      remove.reset();
    }
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
        onConfirm={() => remove.mutate(store.id, { onSuccess: () => close(false) })}
      >
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
