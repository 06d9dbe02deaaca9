import type { HTMLAttributes } from "react";
import { cn } from "@/lib/utils";

/** A placeholder of the final content's size, so nothing jumps when the data arrives. */
export function Skeleton({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-md bg-slate-200", className)} {...props} />;
}
