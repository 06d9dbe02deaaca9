import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { isApiError } from "@/lib/api/errors";
import { useChangePassword } from "../api/change-password";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblems, type PasswordDraft } from "./password-rules";

const EMPTY: PasswordDraft = { current: "", next: "", repeat: "" };
const API_FIELDS: Record<string, keyof PasswordDraft> = { current_password: "current", new_password: "next" };

/** The API's refusals, each on the field it is about; what is about no field goes in the alert. */
function apiProblems(error: unknown): { fields: Partial<Record<keyof PasswordDraft, string>>; general: unknown } {
  if (isApiError(error, "INVALID_CURRENT_PASSWORD")) return { fields: { current: error.message }, general: null };
  if (isApiError(error, "VALIDATION_ERROR") && error.fieldProblems.length > 0) {
    const fields: Partial<Record<keyof PasswordDraft, string>> = {};
    error.fieldProblems.forEach((p) => {
      const key = API_FIELDS[p.field];
      if (key) fields[key] = p.message;
    });
    return { fields, general: Object.keys(fields).length ? null : error };
  }
  return { fields: {}, general: error };
}

export function ChangePasswordForm() {
  const [draft, setDraft] = useState<PasswordDraft>(EMPTY);
  const [touched, setTouched] = useState(false);
  const mutation = useChangePassword();
  const problems = passwordProblems(draft);
  const shown = touched ? problems : {};
  const fromApi = apiProblems(mutation.error);

  function edit(key: keyof PasswordDraft, value: string) {
    setDraft((d) => ({ ...d, [key]: value }));
    if (mutation.isError || mutation.isSuccess) mutation.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!draft.current || Object.keys(problems).length > 0) return;
    mutation.mutate(
      { current_password: draft.current, new_password: draft.next },
      {
        onSuccess: () => {
          setDraft(EMPTY);
          setTouched(false);
        },
      },
    );
  }

  return (
    <form onSubmit={submit} className="max-w-md space-y-3" noValidate aria-label="Change password">
      {mutation.isSuccess && (
        <Alert tone="success" title="Password changed">
          Every other session of this account was signed out; this one goes on.
        </Alert>
      )}
      {/* a refusal to wait (429, 423) counts down its Retry-After in the alert itself */}
      {fromApi.general ? <ErrorAlert error={fromApi.general} title="The password was not changed" /> : null}
      <PasswordField
        label="Current password"
        autoComplete="current-password"
        error={fromApi.fields.current ?? (touched && !draft.current ? "Enter your current password." : null)}
        value={draft.current}
        onChange={(value) => edit("current", value)}
      />
      <PasswordField
        label="New password"
        hint={`${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not the current one. Other sessions are signed out.`}
        error={fromApi.fields.next ?? shown.next}
        value={draft.next}
        onChange={(value) => edit("next", value)}
      />
      <PasswordField
        label="Repeat the new password"
        error={shown.repeat}
        value={draft.repeat}
        onChange={(value) => edit("repeat", value)}
      />
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}

type PasswordFieldProps = {
  label: string;
  hint?: string;
  error?: string | null;
  autoComplete?: "current-password" | "new-password";
  value: string;
  onChange: (value: string) => void;
};

function PasswordField({ label, hint, error, autoComplete = "new-password", value, onChange }: PasswordFieldProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <Input
          {...control}
          type="password"
          autoComplete={autoComplete}
          required
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
