import type { HealthReport } from "../api/get-health-details";
import type { HealthSummary } from "../api/get-health-summary";

export type StatusTone = "ok" | "warning" | "neutral";

export type StatusLine = {
  tone: StatusTone;
  /** The headline: the same words for everyone. */
  text: string;
  /** Admins only: the components that are not healthy, e.g. "fleet: degraded". */
  problems: string[];
  /** What to know about the cluster, when there is something to know. */
  cluster: string | null;
};

const HEALTHY = new Set(["ok", "not_configured"]);

function clusterNote(health: Pick<HealthSummary, "cluster_configured" | "simulated">): string | null {
  if (!health.cluster_configured) return "Cluster not configured: new stores wait until one is set";
  if (health.simulated) return "Simulated cluster: stores here are not real shops";
  return null;
}

/** What the bar says to a tenant: the platform's state in words, no component named. */
export function tenantLine(summary: HealthSummary): StatusLine {
  const ok = summary.status === "ok";
  return {
    tone: ok ? "ok" : "warning",
    text: ok ? "All systems normal" : "Degraded: store changes may be slow",
    problems: [],
    cluster: clusterNote(summary),
  };
}

/** What the bar says to an admin: the same headline, and which components are not healthy. */
export function adminLine(report: HealthReport): StatusLine {
  const problems = Object.entries(report.checks)
    .filter(([, check]) => !HEALTHY.has(check.status))
    .map(([name, check]) => `${name}: ${check.status.replace("_", " ")}`)
    .sort();
  const ok = report.status === "ok" && problems.length === 0;
  return {
    tone: ok ? "ok" : "warning",
    text: ok ? "All systems normal" : "Degraded: store changes may be slow",
    problems,
    cluster: clusterNote(report),
  };
}
