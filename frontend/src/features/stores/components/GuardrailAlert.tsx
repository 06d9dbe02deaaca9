import { ErrorAlert } from "@/components/ErrorAlert";
import { Alert } from "@/components/ui/alert";
import { isApiError } from "@/lib/api/errors";
import { formatDuration } from "@/lib/format";
import { useCountdown } from "@/lib/use-countdown";

const TITLES: Record<string, string> = {
  STORE_LIMIT_EXCEEDED: "You have reached your store limit",
  PLATFORM_STORE_LIMIT: "The platform is full",
  CREATION_COOLDOWN: "Please wait before creating another store",
  RATE_LIMITED: "Too many requests",
  STORE_NAME_TAKEN: "That name is taken",
};

/** Why the platform refused to create a store, with a live countdown when it said how long to wait. */
export function GuardrailAlert({ error, failedAt }: { error: unknown; failedAt: number }) {
  const retryAfter = isApiError(error) ? error.retryAfterSeconds : null;
  const secondsLeft = useCountdown(retryAfter === null ? null : failedAt + retryAfter * 1000);
  if (!isApiError(error) || !TITLES[error.code]) return <ErrorAlert error={error} />;
  return (
    <Alert tone="error" title={TITLES[error.code]}>
      <p>{error.message}</p>
      {retryAfter !== null && (
        <p className="mt-1 font-medium" aria-live="polite">
          {secondsLeft > 0 ? `You can try again in ${formatDuration(secondsLeft)}.` : "You can try again now."}
        </p>
      )}
    </Alert>
  );
}
