/* eslint-disable jsx-a11y/no-noninteractive-tabindex -- a table that scrolls sideways must be reachable
   by keyboard, or its hidden columns cannot be read without a mouse (axe: scrollable-region-focusable). */
import type { ReactNode } from "react";
import { cn } from "@/lib/utils";
import { formatAmount, formatMoney } from "../lib/format";
import type { UsageGroup, UsageReport } from "../api/get-usage";
import { GROUP_LABELS } from "./GroupBySwitch";

const COLUMNS = [
  "Stores",
  "CPU requested (cores)",
  "Memory requested (GiB)",
  "CPU limit (cores)",
  "Memory limit (GiB)",
  "Storage (GiB)",
  "Estimated monthly cost",
];

function Row({ group, header, total = false }: { group: UsageGroup; header: ReactNode; total?: boolean }) {
  const cost = group.estimated_monthly_cost;
  const figures = [
    String(group.stores),
    formatAmount(group.requests.cpu_cores),
    formatAmount(group.requests.memory_gib),
    formatAmount(group.limits.cpu_cores),
    formatAmount(group.limits.memory_gib),
    formatAmount(group.storage_gib),
    formatMoney(cost.total, cost.currency),
  ];
  return (
    <tr className={cn("border-t", total ? "border-slate-300 font-semibold" : "border-slate-100")}>
      <th scope="row" className={cn("py-1 pr-3 text-left", total ? "font-semibold" : "font-normal")}>
        {header}
      </th>
      {figures.map((figure, index) => (
        <td key={COLUMNS[index]} className="py-1 pl-3 text-right tabular-nums">
          {figure}
        </td>
      ))}
    </tr>
  );
}

/** Every group's figures, and all of them together in the last row. */
export function UsageTable({ report }: { report: UsageReport }) {
  const label = GROUP_LABELS[report.group_by];
  const caption = `Usage per ${report.group_by}`;
  return (
    <div
      role="region"
      aria-label={caption}
      tabIndex={0}
      className="overflow-x-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600"
    >
      <table className="w-full min-w-[44rem] text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="text-xs uppercase text-slate-500">
            <th scope="col" className="py-1 pr-3 text-left font-medium">
              {label}
            </th>
            {COLUMNS.map((column) => (
              <th key={column} scope="col" className="py-1 pl-3 text-right font-medium">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.groups.map((group) => (
            <Row
              key={group.key}
              group={group}
              header={
                <span className={cn("whitespace-nowrap", report.group_by === "tenant" && "font-mono text-xs")}>
                  {group.key}
                </span>
              }
            />
          ))}
        </tbody>
        <tfoot>
          <Row group={report.total} header="All" total />
        </tfoot>
      </table>
    </div>
  );
}
