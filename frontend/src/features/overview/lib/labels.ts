/** Words for the API's keys (the stores feature has its own: features do not share code). */
export const STATUS_LABELS: Record<string, string> = {
  requested: "Requested",
  pending_approval: "Pending approval",
  provisioning: "Provisioning",
  ready: "Ready",
  degraded: "Degraded",
  updating: "Updating",
  restoring: "Restoring",
  failed: "Failed",
  deleting: "Deleting",
  deleted: "Deleted",
};

export const ENGINE_LABELS: Record<string, string> = { woocommerce: "WooCommerce", medusa: "MedusaJS" };
export const PLAN_LABELS: Record<string, string> = { small: "Small", medium: "Medium", large: "Large" };

export const FAILURE_LABELS: Record<string, string> = {
  failed: "Cluster reported a failure",
  timed_out: "Timed out",
  commit_refused: "Change could not be written",
  proposal_closed: "Pull request closed",
};

export function label(labels: Record<string, string>, key: string): string {
  return labels[key] ?? key.replaceAll("_", " ");
}

/** A duration in the unit a person reads best: seconds, minutes or hours. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
