import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export function getCurrentUser(): Promise<Schemas["UserOut"]> {
  return unwrap(api.GET("/api/v1/auth/me"));
}

/** Confirms the stored token still works (a 401 ends the session through the API client). */
export function useCurrentUser(enabled: boolean) {
  return useQuery({ queryKey: ["auth", "me"], queryFn: getCurrentUser, enabled, staleTime: 60_000 });
}
