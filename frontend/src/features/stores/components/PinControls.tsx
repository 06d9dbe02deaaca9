import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { usePinStore } from "../api/pin-store";
import { useUnpinStore } from "../api/unpin-store";
import type { Store } from "../lib/status";

const REASON_MIN = 3;
const REASON_MAX = 500;

/** Pin the store (fleet-wide rollouts then leave it as it is) with a reason, or lift its pin. */
export function PinControls({ store }: { store: Store }) {
  const [reason, setReason] = useState("");
  const pin = usePinStore();
  const unpin = useUnpinStore();
  const tooShort = reason.trim().length < REASON_MIN;

  if (store.pin) {
    return (
      <div className="space-y-2">
        <ErrorAlert error={unpin.error} title="The pin could not be lifted" />
        <Button variant="outline" onClick={() => unpin.mutate(store.id)} disabled={unpin.isPending}>
          {unpin.isPending ? "Lifting…" : "Lift the pin"}
        </Button>
      </div>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!tooShort) pin.mutate({ storeId: store.id, reason: reason.trim() }, { onSuccess: () => setReason("") });
  }

  return (
    <form className="space-y-2" onSubmit={submit}>
      <ErrorAlert error={pin.error} title="The store could not be pinned" />
      <Field
        label="Reason for pinning"
        hint="Fleet-wide rollouts leave a pinned store as it is, until the pin is lifted."
      >
        {(control) => (
          <Input
            {...control}
            value={reason}
            maxLength={REASON_MAX}
            autoComplete="off"
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" variant="outline" disabled={tooShort || pin.isPending}>
        {pin.isPending ? "Pinning…" : "Pin this store"}
      </Button>
    </form>
  );
}
