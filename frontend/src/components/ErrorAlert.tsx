import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { isApiError } from "@/lib/api/errors";
import { formatDuration } from "@/lib/format";
import { useCountdown } from "@/lib/use-countdown";

const TITLES: Record<string, string> = {
  NETWORK_ERROR: "Cannot reach the platform",
  STORE_NOT_FOUND: "Store not found",
  FORBIDDEN: "Not allowed",
  RATE_LIMITED: "Too many requests",
};

// Refusals that end by themselves: the client only has to wait (Retry-After says how long).
const WAIT_STATUSES = new Set([423, 429]);

/** Any error, in words a person understands, with the request id support can look up; when the
 * platform asked to wait (429, 423 with Retry-After), a live countdown to when trying again helps. */
type ErrorAlertProps = { error: unknown; title?: string; /** Overrides the error's own words. */ message?: string };

export function ErrorAlert({ error, title, message: override }: ErrorAlertProps) {
  if (!error) return null;
  const message = override ?? (error instanceof Error ? error.message : "Something went wrong.");
  const code = isApiError(error) ? error.code : undefined;
  const requestId = isApiError(error) ? error.requestId : null;
  const waitSeconds = isApiError(error) && WAIT_STATUSES.has(error.status) ? error.retryAfterSeconds : null;
  return (
    <Alert tone="error" title={title ?? (code ? TITLES[code] : undefined) ?? "Something went wrong"}>
      <p>{message}</p>
      {waitSeconds !== null && <RetryCountdown key={requestId ?? message} seconds={waitSeconds} />}
      {requestId && <p className="mt-1 text-xs opacity-75">Reference: {requestId}</p>}
    </Alert>
  );
}

/** Counts down from when the refusal was first shown (keyed by the error, so a new one restarts). */
function RetryCountdown({ seconds }: { seconds: number }) {
  const [deadline] = useState(() => Date.now() + seconds * 1000);
  const secondsLeft = useCountdown(deadline);
  return (
    <p className="mt-1 font-medium" aria-live="polite">
      {secondsLeft > 0 ? `You can try again in ${formatDuration(secondsLeft)}.` : "You can try again now."}
    </p>
  );
}
