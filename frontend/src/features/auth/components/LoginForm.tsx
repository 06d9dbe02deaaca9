import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { isApiError } from "@/lib/api/errors";
import { useLogin } from "../api/login";

function loginErrorTitle(error: unknown): string | undefined {
  if (isApiError(error, "INVALID_CREDENTIALS")) return "Wrong e-mail, user name or password";
  if (isApiError(error, "ACCOUNT_LOCKED")) return "Account locked for now";
  return undefined;
}

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const mutation = useLogin();

  function submit(event: FormEvent) {
    event.preventDefault();
    mutation.mutate({ login: login.trim(), password }, { onSuccess: onSignedIn });
  }

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      {mutation.error ? <ErrorAlert error={mutation.error} title={loginErrorTitle(mutation.error)} /> : null}
      <Field label="E-mail or user name">
        {(control) => (
          <Input
            {...control}
            autoComplete="username"
            required
            value={login}
            onChange={(e) => setLogin(e.target.value)}
          />
        )}
      </Field>
      <Field label="Password">
        {(control) => (
          <Input
            {...control}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" className="w-full" disabled={mutation.isPending || !login || !password}>
        {mutation.isPending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
