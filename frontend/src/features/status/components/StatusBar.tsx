import { Link } from "react-router-dom";
import { useSession } from "@/lib/session";
import { cn } from "@/lib/utils";
import { useHealthDetails } from "../api/get-health-details";
import { useHealthSummary } from "../api/get-health-summary";
import { adminLine, tenantLine, type StatusLine, type StatusTone } from "../lib/status-line";

const TONES: Record<StatusTone, string> = {
  ok: "border-green-200 bg-green-50 text-green-900",
  warning: "border-amber-300 bg-amber-50 text-amber-950",
  neutral: "border-slate-200 bg-slate-50 text-slate-800",
};

const MARKS: Record<StatusTone, string> = { ok: "●", warning: "▲", neutral: "○" };

/** The line every signed-in page carries: the platform's health (tenants: in words only; admins: which
 *  component, and the way to the Health page), and whether the cluster is missing or simulated. */
export function StatusBar() {
  const session = useSession();
  const isAdmin = session?.user.role === "admin";
  const summary = useHealthSummary(Boolean(session) && !isAdmin);
  const details = useHealthDetails(isAdmin);
  const query = isAdmin ? details : summary;
  let line: StatusLine;
  if (isAdmin && details.data) line = adminLine(details.data);
  else if (!isAdmin && summary.data) line = tenantLine(summary.data);
  else
    line = {
      tone: "neutral",
      text: query.isError ? "Platform status unknown: the platform does not answer" : "Checking the platform…",
      problems: [],
      cluster: null,
    };
  return (
    <div className={cn("border-b text-sm", TONES[line.tone])}>
      <div
        role="region"
        aria-label="Platform status"
        aria-live="polite"
        className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-1.5"
      >
        <span className="font-medium">
          <span aria-hidden="true">{MARKS[line.tone]} </span>
          {line.text}
        </span>
        {line.problems.length > 0 && <span> ({line.problems.join(", ")})</span>}
        {line.cluster && <span> · {line.cluster}</span>}
        {isAdmin && (
          <Link className="ml-auto underline" to="/admin/health">
            Platform health details
          </Link>
        )}
      </div>
    </div>
  );
}
