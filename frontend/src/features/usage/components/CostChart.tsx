import { cn } from "@/lib/utils";
import { formatMoney } from "../lib/format";
import type { UsageGroup, UsageReport } from "../api/get-usage";

function money(group: UsageGroup): string {
  return formatMoney(group.estimated_monthly_cost.total, group.estimated_monthly_cost.currency);
}

/** The estimated monthly cost of each group as a horizontal bar, scaled to the largest. An image to
 *  assistive technology, named by a summary of its figures (the table below has them all). */
export function CostChart({ report }: { report: UsageReport }) {
  const { groups, total, group_by: groupBy } = report;
  const largest = Math.max(0, ...groups.map((group) => group.estimated_monthly_cost.total));
  const summary =
    `Estimated monthly cost per ${groupBy}: ` +
    groups.map((group) => `${group.key} ${money(group)}`).join(", ") +
    `; ${money(total)} in all.`;
  return (
    <div
      role="img"
      aria-label={summary}
      className="grid grid-cols-[auto_1fr_auto] items-center gap-x-3 gap-y-2 text-sm"
    >
      {groups.map((group) => (
        <div key={group.key} className="contents">
          <span className={cn("max-w-[12rem] truncate", groupBy === "tenant" && "font-mono text-xs")} title={group.key}>
            {group.key}
          </span>
          <span className="h-4 overflow-hidden rounded bg-slate-100">
            <span
              className="block h-full rounded bg-blue-600"
              style={{ width: `${largest > 0 ? (group.estimated_monthly_cost.total / largest) * 100 : 0}%` }}
            />
          </span>
          <span className="text-right tabular-nums">{money(group)}</span>
        </div>
      ))}
    </div>
  );
}
