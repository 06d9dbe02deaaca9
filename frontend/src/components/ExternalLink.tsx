import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

type ExternalLinkProps = { href: string; className?: string; title?: string; children: ReactNode };

/** A link that opens in a new tab, and says so to screen readers (a new tab is otherwise a surprise). */
export function ExternalLink({ href, className, title, children }: ExternalLinkProps) {
  return (
    <a href={href} target="_blank" rel="noreferrer" title={title} className={cn("text-blue-700 underline", className)}>
      {children}
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}
