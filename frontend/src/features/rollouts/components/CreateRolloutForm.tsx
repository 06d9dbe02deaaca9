import { useRef, useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { useCreateRollout, usePreviewRollout, type Rollout } from "../api/create-rollout";
import { kindOf } from "../lib/rollout-change";
import { apiProblems, draftProblems, EMPTY_DRAFT, toRequest, type RolloutDraft } from "../lib/rollout-form";
import { ChangeFields } from "./ChangeFields";
import { DraftInput, GateFields, WaveFields } from "./GateFields";
import { RolloutPlanView } from "./RolloutPlanView";
import { SelectorFields } from "./SelectorFields";

type Attempt = "preview" | "start";

/** Moves the focus to the first field in error once React has shown why. */
function focusFirstInvalid(form: HTMLFormElement | null): void {
  setTimeout(() => form?.querySelector<HTMLElement>("[aria-invalid='true'], [data-invalid='true']")?.focus());
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A new rollout: preview it (a dry run: nothing is committed), then start it. */
export function CreateRolloutForm({ onCreated }: { onCreated: (rollout: Rollout) => void }) {
  const [draft, setDraft] = useState<RolloutDraft>(EMPTY_DRAFT);
  const [attempted, setAttempted] = useState(false);
  const [last, setLast] = useState<Attempt | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const preview = usePreviewRollout();
  const start = useCreateRollout();
  const request = toRequest(draft);

  const lastMutation = last === "start" ? start : last === "preview" ? preview : null;
  const error = lastMutation?.error ?? null;
  // The API's words stay on their fields while the form still says what was sent.
  const current = lastMutation?.variables !== undefined && same(lastMutation.variables, request);
  const verdict = apiProblems(error, kindOf(lastMutation?.variables));
  const local = attempted ? draftProblems(draft) : {};
  const problems = { ...(current ? verdict.fields : {}), ...local };

  function change(patch: Partial<RolloutDraft>) {
    setDraft((previous) => ({ ...previous, ...patch }));
  }

  function send(attempt: Attempt) {
    setAttempted(true);
    setLast(attempt);
    if (Object.keys(draftProblems(draft)).length > 0) return focusFirstInvalid(form.current);
    const onError = () => focusFirstInvalid(form.current);
    if (attempt === "preview") preview.mutate(request, { onError });
    else start.mutate(request, { onSuccess: onCreated, onError });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send("start");
  }

  const busy = preview.isPending || start.isPending;
  return (
    <form ref={form} onSubmit={submit} noValidate className="space-y-5" aria-label="New rollout">
      {verdict.rest && (
        <ErrorAlert error={error} title={last === "preview" ? "The preview was refused" : "The rollout was refused"} />
      )}
      <ChangeFields draft={draft} problems={problems} onChange={change} />
      <div className="grid gap-3 sm:grid-cols-2">
        <DraftInput
          name="reason"
          label="Reason (optional)"
          hint="Why: shown on the rollout and in the audit log."
          inputMode="text"
          draft={draft}
          problems={problems}
          onChange={change}
        />
      </div>
      <SelectorFields draft={draft} problems={problems} onChange={change} />
      <WaveFields draft={draft} problems={problems} onChange={change} />
      <GateFields draft={draft} problems={problems} onChange={change} />
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="outline" disabled={busy} onClick={() => send("preview")}>
          {preview.isPending ? "Previewing…" : "Preview (dry run)"}
        </Button>
        <Button type="submit" disabled={busy}>
          {start.isPending ? "Starting…" : "Start rollout"}
        </Button>
      </div>
      {preview.data && <RolloutPlanView plan={preview.data} stale={!same(preview.variables, request)} />}
    </form>
  );
}
