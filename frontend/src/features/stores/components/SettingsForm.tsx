import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { Schemas } from "@/lib/api/client";
import { useUpdateStore } from "../api/update-store";
import { acceptsChanges, type Store } from "../lib/status";

type Changes = Schemas["UpdateStoreRequest"];

/** Change the theme (WooCommerce) and the plan; each change becomes a commit in the store's history.
 *  The parent keys it by the store's settings, so a rollback elsewhere resets the fields. */
export function SettingsForm({ store }: { store: Store }) {
  const [theme, setTheme] = useState(store.theme ?? "storefront");
  const [plan, setPlan] = useState(store.plan);
  const update = useUpdateStore();
  const editable = acceptsChanges(store.status);

  const changes: Changes = {};
  if (store.engine === "woocommerce" && theme !== store.theme) changes.theme = theme;
  if (plan !== store.plan) changes.plan = plan;
  const changed = Object.keys(changes).length > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (changed) update.mutate({ storeId: store.id, changes });
  }

  return (
    <form onSubmit={submit} className="space-y-3">
      {!editable && (
        <Alert tone="info">Settings can no longer change: the store is {store.status.replace("_", " ")}.</Alert>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        {store.engine === "woocommerce" && (
          <div className="space-y-1">
            <Label htmlFor="settings-theme">Theme</Label>
            <Select
              id="settings-theme"
              value={theme}
              disabled={!editable}
              onChange={(e) => setTheme(e.target.value as typeof theme)}
            >
              <option value="storefront">Storefront</option>
              <option value="astra">Astra</option>
            </Select>
          </div>
        )}
        <div className="space-y-1">
          <Label htmlFor="settings-plan">Plan</Label>
          <Select
            id="settings-plan"
            value={plan}
            disabled={!editable}
            onChange={(e) => setPlan(e.target.value as typeof plan)}
          >
            <option value="small">Small</option>
            <option value="medium">Medium</option>
            <option value="large">Large</option>
          </Select>
        </div>
      </div>
      <ErrorAlert error={update.error} title="The change was refused" />
      <Button type="submit" disabled={!editable || !changed || update.isPending}>
        {update.isPending ? "Saving…" : "Save changes"}
      </Button>
    </form>
  );
}
