import { useMutation } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { saveSession } from "@/lib/session";

export type PasswordChange = Schemas["PasswordChangeRequest"];

export function changePassword(body: PasswordChange): Promise<Schemas["AuthResponse"]> {
  return unwrap(api.PATCH("/api/v1/auth/password", { body }));
}

/** The API ends every other session (their tokens stop working) and answers with a new token for this one. */
export function useChangePassword() {
  return useMutation({
    mutationFn: changePassword,
    onSuccess: (answer) => saveSession({ token: answer.token, expiresAt: answer.expires_at, user: answer.user }),
  });
}
