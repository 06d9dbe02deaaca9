import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useCurrentUser } from "@/features/auth";
import { clearSession, onSessionChange, useSession } from "@/lib/session";

/** Ends the session at its expiry time (a 401 from the API or a sign-out end it too), then forgets
 *  every cached answer: another user may sign in next. RequireAuth then sends the browser to the
 *  sign-in page, which says why (sessionEndReason) and returns to the same page afterwards. */
export function SessionWatcher() {
  const session = useSession();
  const queryClient = useQueryClient();
  useCurrentUser(session !== null); // a revoked token is found on load, not on the first click

  useEffect(() => {
    if (!session) return;
    const msLeft = Date.parse(session.expiresAt) - Date.now();
    // setTimeout misbehaves beyond ~24.8 days; such sessions are re-checked on the next load anyway.
    if (msLeft > 2 ** 31 - 1) return;
    const timer = setTimeout(() => clearSession("expired"), Math.max(0, msLeft));
    return () => clearTimeout(timer);
  }, [session]);

  useEffect(
    () =>
      onSessionChange((reason) => {
        if (reason !== "signed-in") queryClient.clear();
      }),
    [queryClient],
  );
  return null;
}
