import { useId } from "react";
import { Field } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { CHANGE_KIND_LABELS, type ChangeKind } from "../lib/rollout-change";
import { ENGINE_LABELS, type DraftProblems, type Engine, type RolloutDraft } from "../lib/rollout-form";
import { DraftInput } from "./GateFields";

type ChangeFieldsProps = {
  draft: RolloutDraft;
  problems: DraftProblems;
  onChange: (patch: Partial<RolloutDraft>) => void;
};

/** An image rollout: one engine's application image, so only that engine's stores. */
function ImageFields({ draft, problems, onChange }: ChangeFieldsProps) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field
        label="Engine"
        hint="Whose image: WordPress for WooCommerce stores, Medusa for MedusaJS ones. Only its stores change."
        error={problems.imageEngine}
      >
        {(control) => (
          <Select
            {...control}
            value={draft.imageEngine}
            onChange={(e) => onChange({ imageEngine: e.target.value as Engine })}
          >
            {(Object.entries(ENGINE_LABELS) as [Engine, string][]).map(([engine, label]) => (
              <option key={engine} value={engine}>
                {label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <DraftInput
        name="imageTag"
        label="Tag"
        hint="The application image tag to roll out, such as 6.7.2-php8.2-apache."
        placeholder="6.7.2-php8.2-apache"
        draft={draft}
        problems={problems}
        onChange={onChange}
      />
    </div>
  );
}

/** A values rollout: a JSON object merged over each store's chart values. */
function ValuesPatchField({ draft, problems, onChange }: ChangeFieldsProps) {
  return (
    <Field
      label="Patch (JSON)"
      hint="A JSON object of chart values, merged into each store's own patch (JSON merge patch): null drops a key, and the chart's default applies again."
      error={problems.valuesPatch}
    >
      {(control) => (
        <Textarea
          {...control}
          value={draft.valuesPatch}
          rows={6}
          placeholder={'{"redis": {"enabled": true}}'}
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
          onChange={(e) => onChange({ valuesPatch: e.target.value })}
        />
      )}
    </Field>
  );
}

/** What the rollout changes on its stores: exactly one of the chart version, an engine's image tag or
 *  a values patch. Only the chosen kind's fields are shown, and sent. */
export function ChangeFields(props: ChangeFieldsProps) {
  const { draft, problems, onChange } = props;
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <fieldset className="space-y-3" aria-describedby={problems.kind ? errorId : undefined}>
      <legend className="text-base font-semibold">What to change</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {(Object.entries(CHANGE_KIND_LABELS) as [ChangeKind, string][]).map(([kind, label]) => (
          <label key={kind} htmlFor={`${id}-${kind}`} className="inline-flex min-h-8 items-center gap-2 text-sm">
            <input
              id={`${id}-${kind}`}
              type="radio"
              name={`${id}-kind`}
              value={kind}
              data-invalid={problems.kind && draft.kind === kind ? "true" : undefined}
              className="h-4 w-4 border-slate-400 accent-blue-700"
              checked={draft.kind === kind}
              onChange={() => onChange({ kind })}
            />
            {label}
          </label>
        ))}
      </div>
      {draft.kind === "chart_version" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <DraftInput
            {...props}
            name="chartVersion"
            label="Version"
            hint="The store chart version to roll out, such as 1.4.0."
            placeholder="1.4.0"
          />
        </div>
      )}
      {draft.kind === "image_tag" && <ImageFields {...props} />}
      {draft.kind === "values_patch" && <ValuesPatchField {...props} />}
      <p id={errorId} role="alert" className="text-xs text-red-700">
        {problems.kind ?? ""}
      </p>
    </fieldset>
  );
}
