import { formatDateTime } from "@/lib/format";
import type { AuditEvent } from "../api/list-audit-events";

function summary(event: AuditEvent): string {
  const after = event.after ?? {};
  const detail = event.detail ?? {};
  const parts = [
    after.status && `status ${String(after.status)}`,
    detail.commit && `commit ${String(detail.commit).slice(0, 7)}`,
    after.message && String(after.message),
  ];
  return parts.filter(Boolean).join(" · ");
}

export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <ul aria-label="Audit events" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
      {events.map((event) => (
        <li key={event.id} className="grid gap-1 p-3 text-sm md:grid-cols-[10rem_12rem_1fr]">
          <time className="text-xs text-slate-500" dateTime={event.created_at}>
            {formatDateTime(event.created_at)}
          </time>
          <span className="font-mono text-xs">{event.event}</span>
          <span className="min-w-0 break-words text-xs text-slate-700">
            {event.actor ?? "system"}
            {event.store_id && (
              <>
                {" "}
                · store <code>{event.store_id}</code>
              </>
            )}
            {summary(event) && <> · {summary(event)}</>}
          </span>
        </li>
      ))}
    </ul>
  );
}
