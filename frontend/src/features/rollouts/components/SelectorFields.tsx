import { useId } from "react";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  ENGINE_LABELS,
  PLAN_LABELS,
  TEMPLATE_LABELS,
  type DraftProblems,
  type RolloutDraft,
} from "../lib/rollout-form";
import { CheckboxGroup } from "./CheckboxGroup";

type SelectorFieldsProps = {
  draft: RolloutDraft;
  problems: DraftProblems;
  onChange: (patch: Partial<RolloutDraft>) => void;
};

/** Which stores: every store, or those matching every condition given. */
export function SelectorFields({ draft, problems, onChange }: SelectorFieldsProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <fieldset className="space-y-3" aria-describedby={`${id}-hint ${errorId}`}>
      <legend className="text-base font-semibold">Stores</legend>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        A store must match every condition given. Pinned stores, deleted ones and stores that already have the change
        are left out; an image tag changes its engine's stores only.
      </p>
      <label htmlFor={`${id}-all`} className="inline-flex min-h-8 items-center gap-2 text-sm font-medium">
        <input
          id={`${id}-all`}
          type="checkbox"
          data-invalid={problems.selector ? "true" : undefined}
          className="h-4 w-4 rounded border-slate-400 accent-blue-700"
          checked={draft.all}
          onChange={(e) => onChange({ all: e.target.checked })}
        />
        All stores
      </label>
      <div className="grid gap-3 sm:grid-cols-3">
        <CheckboxGroup
          legend="Engines"
          options={ENGINE_LABELS}
          values={draft.engines}
          disabled={draft.all}
          onChange={(engines) => onChange({ engines })}
        />
        <CheckboxGroup
          legend="Plans"
          options={PLAN_LABELS}
          values={draft.plans}
          disabled={draft.all}
          onChange={(plans) => onChange({ plans })}
        />
        <CheckboxGroup
          legend="Templates"
          options={TEMPLATE_LABELS}
          values={draft.templates}
          disabled={draft.all}
          onChange={(templates) => onChange({ templates })}
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Tenants" hint="Account ids (u-…), separated by commas or spaces." error={problems.tenants}>
          {(control) => (
            <Input
              {...control}
              value={draft.tenants}
              disabled={draft.all}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ tenants: e.target.value })}
            />
          )}
        </Field>
        <Field label="Store ids" hint="st-… ids, separated by commas or spaces." error={problems.storeIds}>
          {(control) => (
            <Input
              {...control}
              value={draft.storeIds}
              disabled={draft.all}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ storeIds: e.target.value })}
            />
          )}
        </Field>
      </div>
      <p id={errorId} role="alert" className="min-h-4 text-xs text-red-700">
        {problems.selector ?? ""}
      </p>
    </fieldset>
  );
}
