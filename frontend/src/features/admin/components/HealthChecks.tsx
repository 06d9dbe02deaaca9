import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { HealthReport } from "../api/get-health";

type Check = HealthReport["checks"][string];

const TONES: Record<Check["status"], BadgeTone> = {
  ok: "success",
  degraded: "warning",
  down: "danger",
  not_configured: "neutral",
};
const LABELS: Record<Check["status"], string> = {
  ok: "OK",
  degraded: "Degraded",
  down: "Down",
  not_configured: "Not configured",
};

const TITLES: Record<string, string> = {
  database: "Database",
  fleet: "Fleet writer",
  cluster: "Cluster connection",
  watcher: "Cluster watcher",
};

/** Field names as words: outbox_depth → outbox depth. */
function words(key: string): string {
  return key.replaceAll("_", " ");
}

/** A component's detail: a plain value, or a nested object as an indented list (a watch per kind…). */
function DetailValue({ detail, depth = 0 }: { detail: unknown; depth?: number }) {
  if (detail === null || detail === undefined) return <>—</>;
  if (typeof detail !== "object" || depth > 2)
    return <>{typeof detail === "object" ? JSON.stringify(detail) : String(detail)}</>;
  return (
    <ul className="space-y-0.5">
      {Object.entries(detail).map(([key, nested]) => (
        <li key={key}>
          <span className="text-slate-500">{words(key)}: </span>
          <DetailValue detail={nested} depth={depth + 1} />
        </li>
      ))}
    </ul>
  );
}

export const CHECK_ORDER = ["database", "fleet", "cluster", "watcher"];

export function HealthCheckCard({ name, check }: { name: string; check: Check }) {
  const details = Object.entries(check).filter(([key]) => key !== "status");
  return (
    <Card>
      <CardHeader className="flex items-center justify-between gap-2">
        <CardTitle>{TITLES[name] ?? words(name)}</CardTitle>
        <Badge tone={TONES[check.status]}>{LABELS[check.status]}</Badge>
      </CardHeader>
      <CardContent>
        {details.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing else to report.</p>
        ) : (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            {details.map(([key, detail]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500">{words(key)}</dt>
                <dd className="min-w-0 break-words">
                  <DetailValue detail={detail} />
                </dd>
              </div>
            ))}
          </dl>
        )}
      </CardContent>
    </Card>
  );
}
