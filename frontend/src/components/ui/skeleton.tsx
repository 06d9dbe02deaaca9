import type { HTMLAttributes } from "react";
import { cn } from "@/lib/utils";

/** A placeholder of the final content's size, so nothing jumps when the data arrives. `data-skeleton`
 *  lets the end-to-end tests wait until a page has loaded everything before they inspect it. */
export function Skeleton({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return (
    <div
      aria-hidden="true"
      data-skeleton=""
      className={cn("animate-pulse rounded-md bg-slate-200", className)}
      {...props}
    />
  );
}
