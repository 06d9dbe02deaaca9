import { formatDateTime, shortSha } from "@/lib/format";
import type { AuditEvent } from "../api/get-store-events";
import { STATUS_LABELS, type StoreStatus } from "../lib/status";

type Step = { id: number; title: string; note: string | null; time: string; failed: boolean };

function text(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}

/** One audit event as a step of the store's life, or null for events that are not about its state. */
function toStep(event: AuditEvent): Step | null {
  const base = { id: event.id, time: event.created_at, failed: false };
  switch (event.event) {
    case "store.requested":
      return { ...base, title: "Requested", note: event.actor ? `by ${event.actor}` : null };
    case "store.committed": {
      const action = text(event.detail?.action);
      return {
        ...base,
        title: `Committed ${shortSha(text(event.detail?.commit))}`,
        note: action ? `${action} in the fleet repo` : null,
      };
    }
    case "store.commit_failed":
      return { ...base, title: "Commit failed", note: text(event.detail?.error), failed: true };
    case "store.transition": {
      const status = text(event.after?.status) as StoreStatus | null;
      const title = status ? (STATUS_LABELS[status] ?? status) : "Status changed";
      return {
        ...base,
        title,
        note: text(event.after?.error) ?? text(event.after?.message),
        failed: status === "failed",
      };
    }
    default:
      return null;
  }
}

export function StatusTimeline({ events }: { events: AuditEvent[] }) {
  const steps = [...events]
    .sort((a, b) => a.id - b.id)
    .map(toStep)
    .filter((step): step is Step => step !== null);
  if (steps.length === 0) return <p className="text-sm text-slate-600">No events recorded for this store yet.</p>;
  return (
    <ol aria-label="Status timeline" className="relative space-y-3 border-l-2 border-slate-200 pl-4">
      {steps.map((step) => (
        <li key={step.id} className="relative">
          <span
            aria-hidden="true"
            className={`absolute -left-[1.4rem] top-1 h-3 w-3 rounded-full ${step.failed ? "bg-red-600" : "bg-blue-600"}`}
          />
          <p className="text-sm font-medium">{step.title}</p>
          {step.note && <p className="break-words text-xs text-slate-700">{step.note}</p>}
          <p className="text-xs text-slate-500">
            <time dateTime={step.time}>{formatDateTime(step.time)}</time>
          </p>
        </li>
      ))}
    </ol>
  );
}
