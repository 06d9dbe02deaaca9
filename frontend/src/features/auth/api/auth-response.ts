import type { Schemas } from "@/lib/api/client";
import { saveSession } from "@/lib/session";

/** Keep the token and the user the API answered a sign-in or registration with. */
export function startSession(answer: Schemas["AuthResponse"]): void {
  saveSession({ token: answer.token, expiresAt: answer.expires_at, user: answer.user });
}
