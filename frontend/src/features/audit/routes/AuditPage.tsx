import { useSearchParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Pagination } from "@/components/Pagination";
import { Card, CardContent } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/lib/session";
import { useAuditEvents } from "../api/list-audit-events";
import { AuditFilters, type AuditFilterValues } from "../components/AuditFilters";
import { AuditTable } from "../components/AuditTable";

const PAGE_SIZE = 50;

export function AuditPage() {
  const session = useSession();
  const isAdmin = session?.user.role === "admin";
  const [params, setParams] = useSearchParams();
  const values: AuditFilterValues = {
    event: params.get("event") || undefined,
    store_id: params.get("store_id") || undefined,
    actor_id: (isAdmin && params.get("actor_id")) || undefined,
  };
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const events = useAuditEvents({ ...values, limit: PAGE_SIZE, offset });

  function apply(next: AuditFilterValues & { offset?: number }) {
    const search = new URLSearchParams();
    Object.entries(next).forEach(([key, value]) => value && search.set(key, String(value)));
    setParams(search, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          isAdmin ? "Every event on the platform, newest first." : "What happened to your stores, newest first."
        }
      />
      <AuditFilters values={values} isAdmin={isAdmin} onApply={apply} />
      <ErrorAlert error={events.error} title="The audit log could not be loaded" />
      {events.isPending && <Skeleton className="h-48 w-full" />}
      {events.data &&
        (events.data.events.length === 0 ? (
          <Card>
            <CardContent className="py-8 text-center text-sm">No events match these filters.</CardContent>
          </Card>
        ) : (
          <>
            <AuditTable events={events.data.events} />
            <Pagination
              total={events.data.total}
              limit={PAGE_SIZE}
              offset={offset}
              onOffsetChange={(o) => apply({ ...values, offset: o })}
            />
          </>
        ))}
    </>
  );
}
