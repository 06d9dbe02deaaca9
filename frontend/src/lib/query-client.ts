import { QueryClient } from "@tanstack/react-query";
import { isApiError } from "@/lib/api/errors";

/** Retry only what may pass on a second try: network failures and 5xx, never a 4xx answer, nor a 503
 *  saying the platform has no cluster (its configuration, which a retry does not change). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  if (isApiError(error, "CLUSTER_NOT_CONFIGURED")) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 5_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}
