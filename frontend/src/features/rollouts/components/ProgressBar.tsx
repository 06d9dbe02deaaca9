import { cn } from "@/lib/utils";

export type Segment = { label: string; value: number; className: string };

type ProgressBarProps = {
  /** Names the bar for screen readers, e.g. "Wave 2 progress". */
  label: string;
  total: number;
  segments: Segment[];
  /** How much of `total` counts as done (the progressbar's value); the first segment by default. */
  done?: number;
  className?: string;
};

/** A bar of coloured segments (ready, failed, …) with the same counts in words beside it, so the
 *  progress is never told by colour alone. */
export function ProgressBar({ label, total, segments, done, className }: ProgressBarProps) {
  const value = done ?? segments[0]?.value ?? 0;
  const shown = segments.filter((segment) => segment.value > 0);
  const words = segments.map((segment) => `${segment.value} ${segment.label}`).join(", ");
  const percent = (part: number) => (total > 0 ? Math.min(100, (part / total) * 100) : 0);
  return (
    <div className={cn("min-w-0", className)}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Math.max(total, 1)}
        aria-valuenow={Math.min(value, Math.max(total, 1))}
        aria-valuetext={`${value} of ${total}: ${words}`}
        className="flex h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        {shown.map((segment) => (
          <div
            key={segment.label}
            className={cn("h-full", segment.className)}
            style={{ width: `${percent(segment.value)}%` }}
          />
        ))}
      </div>
      <p className="mt-1 text-xs text-slate-600">
        {segments.map((segment, index) => (
          <span key={segment.label}>
            {index > 0 && " · "}
            {segment.value} {segment.label}
          </span>
        ))}{" "}
        <span className="text-slate-500">of {total}</span>
      </p>
    </div>
  );
}
