import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { DraftField, DraftProblems, RolloutDraft } from "../lib/rollout-form";

type NumberFieldProps = {
  name: Exclude<DraftField, "selector">;
  label: string;
  hint: string;
  draft: RolloutDraft;
  problems: DraftProblems;
  onChange: (patch: Partial<RolloutDraft>) => void;
  inputMode?: "numeric" | "decimal" | "text";
  placeholder?: string;
};

/** One text box of the draft, with its hint and its problem (ours or the API's). */
export function DraftInput({ name, label, hint, draft, problems, onChange, inputMode, placeholder }: NumberFieldProps) {
  return (
    <Field label={label} hint={hint} error={problems[name]}>
      {(control) => (
        <Input
          {...control}
          value={draft[name]}
          inputMode={inputMode}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange({ [name]: e.target.value })}
        />
      )}
    </Field>
  );
}

type GroupProps = { draft: RolloutDraft; problems: DraftProblems; onChange: (patch: Partial<RolloutDraft>) => void };

/** The canary and the steps after it. */
export function WaveFields(props: GroupProps) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-base font-semibold">Waves</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <DraftInput
          {...props}
          name="canaryCount"
          label="Canary stores"
          hint="Stores in wave 1, the canary; 0: the first step is wave 1."
          inputMode="numeric"
        />
        <DraftInput
          {...props}
          name="steps"
          label="Steps"
          hint="Cumulative reach of each later wave: percentages (10%) or counts of more stores (25); the last is 100%."
          placeholder="10%, 50%, 100%"
        />
      </div>
    </fieldset>
  );
}

/** When a wave counts as passed: every store ready (and staying so), within the failure budget. */
export function GateFields(props: GroupProps) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-base font-semibold">Gate</legend>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <DraftInput
          {...props}
          name="soakSeconds"
          label="Soak (seconds)"
          hint="Time every store must stay ready."
          inputMode="decimal"
        />
        <DraftInput
          {...props}
          name="probePath"
          label="Probe path"
          hint="Optional: a path each store must answer, such as /health."
          placeholder="/health"
        />
        <DraftInput
          {...props}
          name="timeoutSeconds"
          label="Timeout (seconds)"
          hint="Optional: stores not ready by then fail; default the store timeout."
          inputMode="decimal"
        />
        <DraftInput
          {...props}
          name="canaryMaxFailures"
          label="Canary max failures"
          hint="Failed stores the canary may have."
          inputMode="numeric"
        />
        <DraftInput
          {...props}
          name="maxFailurePercent"
          label="Max failure percent"
          hint="Later waves: the share of failed stores allowed."
          inputMode="decimal"
        />
      </div>
    </fieldset>
  );
}
