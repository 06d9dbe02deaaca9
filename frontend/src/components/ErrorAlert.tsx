import { Alert } from "@/components/ui/alert";
import { isApiError } from "@/lib/api/errors";

const TITLES: Record<string, string> = {
  NETWORK_ERROR: "Cannot reach the platform",
  STORE_NOT_FOUND: "Store not found",
  FORBIDDEN: "Not allowed",
  RATE_LIMITED: "Too many requests",
};

/** Any error, in words a person understands, with the request id support can look up. */
type ErrorAlertProps = { error: unknown; title?: string; /** Overrides the error's own words. */ message?: string };

export function ErrorAlert({ error, title, message: override }: ErrorAlertProps) {
  if (!error) return null;
  const message = override ?? (error instanceof Error ? error.message : "Something went wrong.");
  const code = isApiError(error) ? error.code : undefined;
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <Alert tone="error" title={title ?? (code ? TITLES[code] : undefined) ?? "Something went wrong"}>
      <p>{message}</p>
      {requestId && <p className="mt-1 text-xs opacity-75">Reference: {requestId}</p>}
    </Alert>
  );
}
