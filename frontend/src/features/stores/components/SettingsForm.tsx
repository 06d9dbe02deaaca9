import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { Schemas } from "@/lib/api/client";
import { isApiError } from "@/lib/api/errors";
import { useUpdateStore } from "../api/update-store";
import { BRANDING_FIELDS, draftFrom, sameBranding, toBranding } from "../lib/branding";
import { acceptsChanges, type Store } from "../lib/status";
import { BrandingFields } from "./BrandingFields";
import { focusFirstInvalid } from "./focus-first-invalid";
import { ThemeAndPlanFields, type Plan, type Theme } from "./ThemeAndPlanFields";
import { useBrandingDraft } from "./use-branding-draft";

type Changes = Schemas["UpdateStoreRequest"];

/** The branding problems are shown on their fields; the alert is for everything else. */
function onlyBrandingProblems(error: unknown): boolean {
  if (!isApiError(error, "VALIDATION_ERROR")) return false;
  const fields: string[] = BRANDING_FIELDS;
  return error.fieldProblems.length > 0 && error.fieldProblems.every((problem) => fields.includes(problem.field));
}

/** Change the theme (WooCommerce), the branding (Medusa) and the plan; each change becomes a commit in
 *  the store's history. The parent keys it by the store's settings, so a rollback resets the fields. */
export function SettingsForm({ store }: { store: Store }) {
  const [theme, setTheme] = useState<Theme>(store.theme ?? "storefront");
  const [plan, setPlan] = useState<Plan>(store.plan);
  const branding = useBrandingDraft(draftFrom(store.branding));
  const update = useUpdateStore();
  const editable = acceptsChanges(store.status);
  const medusa = store.engine === "medusa";

  const changes: Changes = {};
  if (store.engine === "woocommerce" && theme !== store.theme) changes.theme = theme;
  if (plan !== store.plan) changes.plan = plan;
  const wanted = toBranding(branding.draft);
  // The API replaces the whole branding; {} clears it.
  if (medusa && !sameBranding(wanted, store.branding)) changes.branding = wanted ?? {};
  const changed = Object.keys(changes).length > 0;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    branding.touchAll();
    if (!branding.valid) return focusFirstInvalid(form);
    if (changed) update.mutate({ storeId: store.id, changes }, { onError: () => focusFirstInvalid(form) });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3">
      {!editable && (
        <Alert tone="info">Settings can no longer change: the store is {store.status.replace("_", " ")}.</Alert>
      )}
      <ThemeAndPlanFields
        idPrefix="settings"
        engine={store.engine}
        theme={theme}
        plan={plan}
        disabled={!editable}
        onTheme={setTheme}
        onPlan={setPlan}
      />
      {medusa && (
        <BrandingFields
          draft={branding.draft}
          errors={branding.errors(update.error, update.variables?.changes.branding)}
          disabled={!editable}
          onChange={branding.change}
          onBlur={branding.touch}
        />
      )}
      {!onlyBrandingProblems(update.error) && <ErrorAlert error={update.error} title="The change was refused" />}
      <Button type="submit" disabled={!editable || !changed || update.isPending}>
        {update.isPending ? "Saving…" : "Save changes"}
      </Button>
    </form>
  );
}
