import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { isApiError } from "@/lib/api/errors";
import { useRegister, type RegisterInput } from "../api/register";
import { registerProblems } from "./register-rules";

type Touched = Partial<Record<keyof RegisterInput, boolean>>;

export function RegisterForm({ onRegistered }: { onRegistered: () => void }) {
  const [input, setInput] = useState<RegisterInput>({ email: "", username: "", password: "" });
  const [touched, setTouched] = useState<Touched>({});
  const mutation = useRegister();
  const problems = registerProblems(input);
  const apiProblems = isApiError(mutation.error) ? mutation.error.fieldProblems : [];

  function errorFor(field: keyof RegisterInput): string | null {
    if (touched[field] && problems[field]) return problems[field] ?? null;
    return apiProblems.find((p) => p.field === field)?.message ?? null;
  }

  function change(field: keyof RegisterInput, value: string) {
    setInput((previous) => ({ ...previous, [field]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched({ email: true, username: true, password: true });
    if (Object.keys(problems).length > 0) return;
    mutation.mutate({ ...input, email: input.email.trim() }, { onSuccess: onRegistered });
  }

  const generalError = mutation.error && apiProblems.length === 0 ? mutation.error : null;
  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      <ErrorAlert error={generalError} />
      <Field label="E-mail" error={errorFor("email")}>
        {(control) => (
          <Input
            {...control}
            type="email"
            autoComplete="email"
            value={input.email}
            onChange={(e) => change("email", e.target.value)}
            onBlur={() => setTouched((t) => ({ ...t, email: true }))}
          />
        )}
      </Field>
      <Field label="User name" error={errorFor("username")} hint="3 to 32 letters, digits, '.', '_' or '-'.">
        {(control) => (
          <Input
            {...control}
            autoComplete="username"
            value={input.username}
            onChange={(e) => change("username", e.target.value)}
            onBlur={() => setTouched((t) => ({ ...t, username: true }))}
          />
        )}
      </Field>
      <Field label="Password" error={errorFor("password")} hint="At least 8 characters.">
        {(control) => (
          <Input
            {...control}
            type="password"
            autoComplete="new-password"
            value={input.password}
            onChange={(e) => change("password", e.target.value)}
            onBlur={() => setTouched((t) => ({ ...t, password: true }))}
          />
        )}
      </Field>
      <Button type="submit" className="w-full" disabled={mutation.isPending}>
        {mutation.isPending ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
