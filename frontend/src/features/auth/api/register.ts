import { useMutation } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { startSession } from "./auth-response";

export type RegisterInput = Schemas["RegisterRequest"];

export function register(body: RegisterInput): Promise<Schemas["AuthResponse"]> {
  return unwrap(api.POST("/api/v1/auth/register", { body }));
}

export function useRegister() {
  return useMutation({ mutationFn: register, onSuccess: startSession });
}
