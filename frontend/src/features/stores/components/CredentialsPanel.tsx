import { useEffect, useState } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { useRevealCredentials } from "../api/get-store-credentials";
import type { Store } from "../lib/status";
import { RotatePassword } from "./RotatePassword";

function Secret({ label, value }: { label: string; value: string }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[8rem_1fr]">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="break-all font-mono text-sm">{value}</dd>
    </div>
  );
}

/** The store's admin login, read from the cluster on request only; hidden again on "Hide" or leaving. */
export function CredentialsPanel({ store }: { store: Store }) {
  const [confirming, setConfirming] = useState(false);
  const reveal = useRevealCredentials();
  const { reset } = reveal;
  useEffect(() => reset, [reset]);

  if (reveal.data) {
    const creds = reveal.data;
    return (
      <div className="space-y-3">
        <dl className="space-y-2">
          <Secret label="Admin URL" value={creds.admin_url} />
          <Secret label="User name" value={creds.username} />
          <Secret label="Password" value={creds.password} />
          <Secret label="E-mail" value={creds.email} />
        </dl>
        <Button variant="outline" size="sm" onClick={() => reveal.reset()}>
          Hide credentials
        </Button>
        {/* the password shown is the old one once a rotation is asked for: hidden then */}
        <RotatePassword store={store} onRequested={() => reveal.reset()} />
      </div>
    );
  }
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700">
        The store's admin password is read from the cluster when you ask for it, and every read is audited.
      </p>
      <ErrorAlert error={reveal.error} title="The credentials could not be read" />
      <Button variant="outline" onClick={() => setConfirming(true)}>
        Reveal credentials
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Reveal the admin credentials?"
        description={`The password of ${store.name} will be shown on screen. Make sure nobody is looking over your shoulder.`}
        confirmLabel="Reveal"
        busy={reveal.isPending}
        onConfirm={() => reveal.mutate(store.id, { onSettled: () => setConfirming(false) })}
      />
      <RotatePassword store={store} />
    </div>
  );
}
