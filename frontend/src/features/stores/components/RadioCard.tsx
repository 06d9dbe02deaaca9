import * as RadioGroup from "@radix-ui/react-radio-group";
import { useId, type ReactNode } from "react";
import { cn } from "@/lib/utils";

type RadioCardProps = { value: string; title: ReactNode; children: ReactNode; className?: string };

/** One choice of a radio group, drawn as a card. Its title names it and the rest describes it; the
 *  round mark shows the choice by shape as well as by colour. */
export function RadioCard({ value, title, children, className }: RadioCardProps) {
  const id = useId();
  return (
    <RadioGroup.Item
      value={value}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-detail`}
      className={cn(
        "group flex flex-col items-start rounded-lg border-2 border-slate-200 bg-white p-3 text-left",
        "focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2",
        "data-[state=checked]:border-blue-600 data-[state=checked]:bg-blue-50",
        className,
      )}
    >
      <span className="flex w-full items-start justify-between gap-2">
        <span id={`${id}-title`} className="block font-semibold">
          {title}
        </span>
        <span
          aria-hidden="true"
          className="mt-0.5 flex h-4 w-4 shrink-0 items-center justify-center rounded-full border-2 border-slate-500 group-data-[state=checked]:border-blue-600"
        >
          <RadioGroup.Indicator className="block h-2 w-2 rounded-full bg-blue-600" />
        </span>
      </span>
      <span id={`${id}-detail`} className="mt-1 block text-sm text-slate-700">
        {children}
      </span>
    </RadioGroup.Item>
  );
}
