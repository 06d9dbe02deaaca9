import { Badge } from "@/components/ui/badge";
import { isTransitional, STATUS_LABELS, STATUS_TONES, type Store } from "../lib/status";

/** The store's status and, underneath, what the watcher last said about it. */
export function StatusChip({ store, showMessage = true }: { store: Store; showMessage?: boolean }) {
  const message = store.error ?? store.status_message;
  return (
    <div className="min-w-0">
      <Badge tone={STATUS_TONES[store.status]}>
        {isTransitional(store.status) && (
          <span aria-hidden="true" className="h-2 w-2 animate-pulse rounded-full bg-current" />
        )}
        {STATUS_LABELS[store.status]}
      </Badge>
      {showMessage && message && <p className="mt-1 break-words text-xs text-slate-600">{message}</p>}
    </div>
  );
}
