import { useState } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format";
import { useRotateStoreCredentials, type CredentialsRotation } from "../api/rotate-store-credentials";
import { rotationInProgress, type Store } from "../lib/status";

function RotationState({ rotation }: { rotation: CredentialsRotation }) {
  const when = <time dateTime={rotation.changed_at}>{formatDateTime(rotation.changed_at)}</time>;
  switch (rotation.state) {
    case "requested":
    case "running":
      return (
        <Alert tone="info" title="Rotating the admin password…">
          <p>
            The platform is setting a new password in the shop; the current one works until it is done
            {rotation.message ? ` (${rotation.message})` : ""}.
          </p>
        </Alert>
      );
    case "done":
      return (
        <p className="text-sm text-slate-700">
          The admin password was rotated on {when} by {rotation.requested_by}; the previous one no longer works.
        </p>
      );
    case "failed":
      return (
        <Alert tone="error" title="The last rotation failed">
          <p className="whitespace-pre-line">{rotation.message}</p>
          <p className="mt-1 text-xs opacity-75">On {when}. The previous password still works.</p>
        </Alert>
      );
  }
}

/** A new admin password for the store, generated in the cluster, behind a confirmation. */
export function RotatePassword({ store, onRequested }: { store: Store; onRequested?: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const rotate = useRotateStoreCredentials();
  const rotation = store.credentials_rotation ?? null;
  const running = store.status === "ready" || store.status === "degraded";
  const busy = rotationInProgress(store);
  return (
    <div className="space-y-2 border-t border-slate-200 pt-3">
      {rotation && <RotationState rotation={rotation} />}
      <ErrorAlert error={rotate.error} title="The password could not be rotated" />
      <Button
        variant="outline"
        onClick={() => setConfirming(true)}
        disabled={busy || !running || rotate.isPending}
        title={running ? undefined : "Only a ready or degraded store's password can be rotated"}
      >
        Rotate admin password
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Rotate the admin password?"
        description={`${store.name} gets a new admin password, made in the cluster. Once it is set, the current password stops working: sign in again with the new one.`}
        confirmLabel="Rotate"
        busy={rotate.isPending}
        onConfirm={() =>
          rotate.mutate(store.id, {
            onSuccess: () => onRequested?.(),
            onSettled: () => setConfirming(false),
          })
        }
      />
    </div>
  );
}
