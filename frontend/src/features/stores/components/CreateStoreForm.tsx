import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { Schemas } from "@/lib/api/client";
import { isApiError } from "@/lib/api/errors";
import { useCreateStore } from "../api/create-store";
import type { Engine, Store } from "../lib/status";
import { MAX_LENGTH, storeNameProblem } from "../lib/store-name";
import { EngineCards } from "./EngineCards";
import { GuardrailAlert } from "./GuardrailAlert";

type Theme = Schemas["Theme"];
type Plan = Schemas["Plan"];

const PLANS: { value: Plan; label: string }[] = [
  { value: "small", label: "Small — for trying things out" },
  { value: "medium", label: "Medium — a shop with steady traffic" },
  { value: "large", label: "Large — a busy shop" },
];

export function CreateStoreForm({ onCreated }: { onCreated: (store: Store) => void }) {
  const [engine, setEngine] = useState<Engine>("woocommerce");
  const [name, setName] = useState("");
  const [nameTouched, setNameTouched] = useState(false);
  const [theme, setTheme] = useState<Theme>("storefront");
  const [plan, setPlan] = useState<Plan>("small");
  const [failedAt, setFailedAt] = useState(0);
  const mutation = useCreateStore();

  const localProblem = name ? storeNameProblem(name) : null;
  // The API's own verdict on the name wins over ours when they disagree (and names a taken name).
  const apiNameProblem = nameErrorFromApi(mutation.error, mutation.variables?.name === name);
  const nameError = (nameTouched || name.length >= 3 ? localProblem?.message : null) ?? apiNameProblem;

  function submit(event: FormEvent) {
    event.preventDefault();
    setNameTouched(true);
    if (!name || localProblem) return;
    const body = { name, engine, plan, theme: engine === "woocommerce" ? theme : null };
    mutation.mutate(body, { onSuccess: onCreated, onError: () => setFailedAt(Date.now()) });
  }

  const showGuardrail = mutation.error && !apiNameProblem;
  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {showGuardrail ? <GuardrailAlert error={mutation.error} failedAt={failedAt} /> : null}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Engine</legend>
        <EngineCards value={engine} onChange={setEngine} />
      </fieldset>
      <Field
        label="Store name"
        error={nameError}
        hint={`Lowercase letters, digits and '-', 3 to ${MAX_LENGTH} characters. It becomes part of the store's address.`}
      >
        {(control) => (
          <Input
            {...control}
            value={name}
            maxLength={MAX_LENGTH + 10}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => setNameTouched(true)}
          />
        )}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        {engine === "woocommerce" && (
          <div className="space-y-1">
            <Label htmlFor="create-theme">Theme</Label>
            <Select id="create-theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
              <option value="storefront">Storefront</option>
              <option value="astra">Astra</option>
            </Select>
          </div>
        )}
        <div className="space-y-1">
          <Label htmlFor="create-plan">Plan</Label>
          <Select id="create-plan" value={plan} onChange={(e) => setPlan(e.target.value as Plan)}>
            {PLANS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Creating…" : "Create store"}
      </Button>
    </form>
  );
}

/** The API's objection to the name, if the last attempt used the name still in the field. */
function nameErrorFromApi(error: unknown, sameName: boolean): string | null {
  if (!sameName || !isApiError(error)) return null;
  if (error.code === "STORE_NAME_TAKEN") return error.message;
  return error.fieldProblems.find((problem) => problem.field === "name")?.message ?? null;
}
