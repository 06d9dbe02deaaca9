import { cn } from "@/lib/utils";
import type { StatsRange } from "../api/get-fleet-stats";

export const RANGES: { value: StatsRange; label: string }[] = [
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
];

/** The charts' time range, as a group of toggle buttons (the pressed one is the range shown). */
export function RangeSwitch({ value, onChange }: { value: StatsRange; onChange: (range: StatsRange) => void }) {
  return (
    <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
      {RANGES.map((range) => (
        <button
          key={range.value}
          type="button"
          aria-pressed={value === range.value}
          onClick={() => onChange(range.value)}
          className={cn(
            "min-h-8 rounded px-3 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600",
            value === range.value ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100",
          )}
        >
          {range.label}
        </button>
      ))}
    </div>
  );
}
