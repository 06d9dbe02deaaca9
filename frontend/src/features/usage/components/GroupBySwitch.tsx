import * as RadioGroup from "@radix-ui/react-radio-group";
import { useId } from "react";
import { cn } from "@/lib/utils";
import type { GroupBy } from "../api/get-usage";

export const GROUP_LABELS: Record<GroupBy, string> = { tenant: "Tenant", plan: "Plan" };

/** Tenant or plan, as a radio group (arrow keys move between them); the round mark tells the choice by
 *  shape as well as by colour. */
export function GroupBySwitch({ value, onChange }: { value: GroupBy; onChange: (groupBy: GroupBy) => void }) {
  const labelId = useId();
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span id={labelId} className="font-medium text-slate-700">
        Group by
      </span>
      <RadioGroup.Root
        aria-labelledby={labelId}
        orientation="horizontal"
        value={value}
        onValueChange={(next) => onChange(next as GroupBy)}
        className="inline-flex rounded-md border border-slate-300 bg-white p-0.5"
      >
        {Object.entries(GROUP_LABELS).map(([option, label]) => (
          <RadioGroup.Item
            key={option}
            value={option}
            className={cn(
              "group flex items-center gap-1.5 rounded px-3 py-1 text-slate-700 hover:bg-slate-100",
              "focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600",
              "data-[state=checked]:bg-slate-900 data-[state=checked]:text-white",
            )}
          >
            <span
              aria-hidden="true"
              className="flex h-3 w-3 items-center justify-center rounded-full border-2 border-slate-500 group-data-[state=checked]:border-white"
            >
              <RadioGroup.Indicator className="block h-1 w-1 rounded-full bg-white" />
            </span>
            {label}
          </RadioGroup.Item>
        ))}
      </RadioGroup.Root>
    </div>
  );
}
