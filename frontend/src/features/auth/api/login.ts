import { useMutation } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { startSession } from "./auth-response";

export type LoginInput = { login: string; password: string };

/** The API accepts the e-mail address or the user name in the same form field. */
export function login({ login, password }: LoginInput): Promise<Schemas["AuthResponse"]> {
  const body = login.includes("@") ? { email: login, password } : { username: login, password };
  return unwrap(api.POST("/api/v1/auth/login", { body }));
}

export function useLogin() {
  return useMutation({ mutationFn: login, onSuccess: startSession });
}
