import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { isApiError } from "@/lib/api/errors";
import { useCreateStore } from "../api/create-store";
import type { TemplateName } from "../api/list-templates";
import { BRANDING_FIELDS, EMPTY_DRAFT, toBranding } from "../lib/branding";
import type { Engine, Store } from "../lib/status";
import { MAX_LENGTH, storeNameProblem } from "../lib/store-name";
import { BrandingFields } from "./BrandingFields";
import { EngineCards } from "./EngineCards";
import { focusFirstInvalid } from "./focus-first-invalid";
import { GuardrailAlert } from "./GuardrailAlert";
import { DEFAULT_TEMPLATE, TemplatePicker } from "./TemplatePicker";
import { ThemeAndPlanFields, type Plan, type Theme } from "./ThemeAndPlanFields";
import { useBrandingDraft } from "./use-branding-draft";

// The fields whose API problems are shown next to them; any other problem gets the alert on top.
const INLINE_FIELDS = new Set<string>(["name", "template", ...BRANDING_FIELDS]);

export function CreateStoreForm({ onCreated }: { onCreated: (store: Store) => void }) {
  const [engine, setEngine] = useState<Engine>("woocommerce");
  const [name, setName] = useState("");
  const [nameTouched, setNameTouched] = useState(false);
  const [theme, setTheme] = useState<Theme>("storefront");
  const [plan, setPlan] = useState<Plan>("small");
  const [template, setTemplate] = useState<TemplateName>(DEFAULT_TEMPLATE);
  const branding = useBrandingDraft(EMPTY_DRAFT);
  const [failedAt, setFailedAt] = useState(0);
  const mutation = useCreateStore();
  const { error, variables: sent } = mutation;

  const localProblem = name ? storeNameProblem(name) : null;
  // The API's own verdict on the name wins over ours when they disagree (and names a taken name).
  const apiNameProblem = nameErrorFromApi(error, sent?.name === name);
  const nameError = (nameTouched || name.length >= 3 ? localProblem?.message : null) ?? apiNameProblem;
  const templateError = sent?.template === template ? problemFor(error, "template") : null;
  const brandingErrors = engine === "medusa" ? branding.errors(error, sent?.branding) : {};

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setNameTouched(true);
    branding.touchAll();
    const brandingValid = engine !== "medusa" || branding.valid;
    if (!name || localProblem || !brandingValid) return focusFirstInvalid(form);
    const body = {
      name,
      engine,
      plan,
      template,
      theme: engine === "woocommerce" ? theme : null,
      branding: engine === "medusa" ? toBranding(branding.draft) : null,
    };
    mutation.mutate(body, {
      onSuccess: onCreated,
      onError: () => {
        setFailedAt(Date.now());
        focusFirstInvalid(form);
      },
    });
  }

  const showGuardrail = error && !apiNameProblem && !allShownInline(error);
  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {showGuardrail ? <GuardrailAlert error={error} failedAt={failedAt} /> : null}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Engine</legend>
        <EngineCards value={engine} onChange={setEngine} />
      </fieldset>
      <NameField value={name} error={nameError} onChange={setName} onBlur={() => setNameTouched(true)} />
      <ThemeAndPlanFields
        idPrefix="create"
        engine={engine}
        theme={theme}
        plan={plan}
        describePlans
        onTheme={setTheme}
        onPlan={setPlan}
      />
      <TemplatePicker value={template} onChange={setTemplate} error={templateError} />
      {engine === "medusa" && (
        <BrandingFields
          draft={branding.draft}
          errors={brandingErrors}
          onChange={branding.change}
          onBlur={branding.touch}
        />
      )}
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Creating…" : "Create store"}
      </Button>
    </form>
  );
}

type NameFieldProps = { value: string; error: string | null; onChange: (name: string) => void; onBlur: () => void };

function NameField({ value, error, onChange, onBlur }: NameFieldProps) {
  return (
    <Field
      label="Store name"
      error={error}
      hint={`Lowercase letters, digits and '-', 3 to ${MAX_LENGTH} characters. It becomes part of the store's address.`}
    >
      {(control) => (
        <Input
          {...control}
          value={value}
          maxLength={MAX_LENGTH + 10}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
          onBlur={onBlur}
        />
      )}
    </Field>
  );
}

/** The API's objection to one field of the last attempt, if it made one. */
function problemFor(error: unknown, field: string): string | null {
  if (!isApiError(error)) return null;
  return error.fieldProblems.find((problem) => problem.field === field)?.message ?? null;
}

/** The API's objection to the name, if the last attempt used the name still in the field. */
function nameErrorFromApi(error: unknown, sameName: boolean): string | null {
  if (!sameName || !isApiError(error)) return null;
  if (error.code === "STORE_NAME_TAKEN") return error.message;
  return problemFor(error, "name");
}

/** A 422 whose every problem belongs to a field of the form: the fields say it, no alert needed. */
function allShownInline(error: unknown): boolean {
  if (!isApiError(error) || error.code !== "VALIDATION_ERROR") return false;
  const problems = error.fieldProblems;
  return problems.length > 0 && problems.every((problem) => INLINE_FIELDS.has(problem.field));
}
