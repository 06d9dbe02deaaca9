import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import type { FleetStats } from "../api/get-fleet-stats";
import { ENGINE_LABELS, label, PLAN_LABELS, STATUS_LABELS } from "../lib/labels";

type Counts = FleetStats["counts"];
type KeyCount = Counts["by_status"][number];

const ATTENTION: Record<string, string> = {
  failed: "border-red-300 bg-red-50 text-red-950",
  degraded: "border-amber-300 bg-amber-50 text-amber-950",
};

function StatCard({ title, value, to, tone }: { title: string; value: number; to?: string; tone?: string }) {
  const body = (
    <>
      <span className="block text-2xl font-semibold tabular-nums">{value}</span>
      <span className="block text-sm">{title}</span>
    </>
  );
  return (
    <li>
      <Card className={cn("h-full", tone)}>
        {to ? (
          <Link
            to={to}
            className="block h-full rounded-lg px-4 py-3 hover:bg-slate-900/5 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600"
          >
            {body}
          </Link>
        ) : (
          <div className="px-4 py-3">{body}</div>
        )}
      </Card>
    </li>
  );
}

/** A titled row of cards; `narrow` for a group that shares the row with another (half the width). */
function Group({ title, narrow = false, children }: { title: string; narrow?: boolean; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h2 className="mb-2 text-sm font-semibold text-slate-700">{title}</h2>
      <ul className={cn("grid grid-cols-2 gap-3 sm:grid-cols-3", !narrow && "lg:grid-cols-6")}>{children}</ul>
    </section>
  );
}

/** Stores now: by status (failed and degraded first, as the API orders them), engine and plan. A
 *  status or engine card opens the store list filtered to it. */
export function StatCards({ counts }: { counts: Counts }) {
  const byStatus = (count: KeyCount) => (
    <StatCard
      key={count.key}
      title={label(STATUS_LABELS, count.key)}
      value={count.stores}
      to={`/stores?status=${encodeURIComponent(count.key)}`}
      tone={ATTENTION[count.key]}
    />
  );
  return (
    <div className="space-y-4">
      <Group title="Stores by status">
        <StatCard title="All stores" value={counts.total} to="/stores" />
        {counts.by_status.map(byStatus)}
      </Group>
      <div className="grid gap-4 md:grid-cols-2">
        <Group title="By engine" narrow>
          {counts.by_engine.map((count) => (
            <StatCard
              key={count.key}
              title={label(ENGINE_LABELS, count.key)}
              value={count.stores}
              to={`/stores?engine=${encodeURIComponent(count.key)}`}
            />
          ))}
        </Group>
        <Group title="By plan" narrow>
          {counts.by_plan.map((count) => (
            <StatCard key={count.key} title={label(PLAN_LABELS, count.key)} value={count.stores} />
          ))}
        </Group>
      </div>
    </div>
  );
}
